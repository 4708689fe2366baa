import type { LoggerService } from '@nestjs/common';
import { knownSecrets } from '../common/logging/secret-redactor.js';

/**
 * A stdio child's stderr: every line logged at debug level, the last one
 * kept to explain the next connection failure.
 */
export class StderrTail {
  private lastLine: string | null = null;

  constructor(
    private readonly server: string,
    private readonly logger: LoggerService,
  ) {}

  /** Forgets the last line (a new child starts). */
  reset(): void {
    this.lastLine = null;
  }

  push(raw: string): void {
    // Redacted before it is kept or logged: a child may print a secret that
    // a `${VAR}` of its env expanded to.
    const line = knownSecrets.redact(raw);
    this.lastLine = line.slice(0, 500);
    this.logger.debug?.(`MCP server ${this.server} stderr: ${line}`);
  }

  /** `message`, followed by the child's last stderr line when there is one. */
  appendTo(message: string): string {
    return this.lastLine
      ? `${message} (last stderr line: ${this.lastLine})`
      : message;
  }
}
