import { readFileSync } from 'node:fs';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import { securityConfig } from '../config/security.config.js';
import { loadTenantKeys } from '../config/security/tenant-keys.js';

/**
 * How often the key files are read again. A removed key is refused within
 * this long (plus one read); reading a small file twice a second is nothing.
 */
const KEYS_RELOAD_INTERVAL_MS = 500;

/**
 * Reloads the key files (GATEWAY_KEYS_FILE, GATEWAY_API_KEYS_FILE) when
 * their text changes, e.g. a Kubernetes Secret updated in place. Polling
 * the text rather than watching inodes: a mounted Secret changes by a
 * symlink swap that file watchers miss. A file that no longer loads
 * (invalid, emptied, unreadable) is logged and the keys in use stay:
 * locking everyone out, or letting everyone in, by a typo would be worse.
 * Requests already admitted (streams, WebSocket connections) keep their
 * tenant; a removed key is refused from its next request on.
 */
@Injectable()
export class KeysReloaderService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(KeysReloaderService.name);
  private timer: NodeJS.Timeout | undefined;
  private lastTexts: string | undefined;
  private lastProblems = '';

  constructor(
    @Inject(securityConfig.KEY)
    private readonly security: ConfigType<typeof securityConfig>,
  ) {}

  onApplicationBootstrap(): void {
    const files = this.watchedFiles();
    if (this.security.apiKeys === null || files.length === 0) {
      return;
    }
    this.lastTexts = readTexts(files);
    this.timer = setInterval(
      () => this.reloadIfChanged(files),
      KEYS_RELOAD_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads the files again and swaps the keys when their text changed. */
  reloadIfChanged(files: readonly string[] = this.watchedFiles()): void {
    const texts = readTexts(files);
    if (texts === this.lastTexts) {
      return;
    }
    const sources = this.security.keySources ?? {};
    const { keys, problems } = loadTenantKeys(sources);
    if (problems.length > 0 || keys.length === 0) {
      const reported = problems.join('; ') || 'no key left';
      // One line per broken version of the files, not one per poll.
      if (reported !== this.lastProblems) {
        this.logger.error(
          { problems: reported },
          'key files changed but do not load; the keys in use stay',
        );
        this.lastProblems = reported;
      }
      return;
    }
    knownSecrets.add(...keys.flatMap((key) => key.secret ?? []));
    this.security.apiKeys?.replace(keys);
    this.lastTexts = texts;
    this.lastProblems = '';
    this.logger.log({ keys: keys.length }, 'key files reloaded');
  }

  private watchedFiles(): string[] {
    const sources = this.security.keySources;
    return [sources?.file, sources?.keysFile].filter(
      (file): file is string => file !== undefined,
    );
  }
}

/** The files' texts joined; an unreadable file reads as its error code. */
function readTexts(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        return `\u0000${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`;
      }
    })
    .join('\u0000\u0000');
}
