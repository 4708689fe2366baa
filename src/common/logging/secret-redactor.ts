/** What replaces a secret value in logs, error bodies and MCP status. */
export const REDACTED = '[REDACTED]';

/**
 * Values shorter than this are not redacted by value: `true`, `8080` or
 * `info` expanded from a `${VAR}` are no secrets, and replacing every
 * occurrence of them would make the logs unreadable.
 */
const MIN_SECRET_LENGTH = 6;

/**
 * Bound on the per-request secrets held at once (hosted MCP tokens). Past it
 * the oldest holder's values are dropped first: memory stays bounded even if
 * a holder never releases.
 */
export const MAX_HELD_SECRETS = 1_000;

/** `Bearer <token>`, `Basic <token>`…: the token alone is a secret too. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Bot|ApiKey|Key)\s+(\S.*)$/i;

/**
 * Every secret value the gateway knows (configured keys and passwords,
 * values expanded into the MCP config, tokens a request hands to a hosted
 * MCP server) and how to remove them from text. Redaction is by value, so
 * a secret is caught wherever it turns up: an error's message, a child's
 * stderr, a Redis command, an upstream body that echoes it.
 */
export class SecretRedactor {
  private readonly configured = new Set<string>();
  /** Held value → how many holders still hold it; Map order is age order. */
  private readonly held = new Map<string, number>();
  /** Every form of every secret, longest first (a secret inside a longer one goes second). */
  private patterns: readonly string[] = [];

  /** Adds secrets for the life of the process; empty and short values are ignored. */
  add(...values: readonly (string | null | undefined)[]): void {
    const before = this.configured.size;
    for (const value of secretValues(values)) {
      this.configured.add(value);
    }
    if (this.configured.size !== before) {
      this.rebuild();
    }
  }

  /**
   * Adds secrets until the returned release is called (once per hold; the
   * value stays while another hold has it), e.g. for one request's lifetime.
   */
  hold(values: readonly (string | null | undefined)[]): () => void {
    const accepted = [...new Set(secretValues(values))];
    if (accepted.length === 0) {
      return () => undefined;
    }
    for (const value of accepted) {
      this.held.set(value, (this.held.get(value) ?? 0) + 1);
    }
    for (const oldest of this.held.keys()) {
      if (this.held.size <= MAX_HELD_SECRETS) {
        break;
      }
      this.held.delete(oldest);
    }
    this.rebuild();
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      for (const value of accepted) {
        const count = this.held.get(value);
        if (count === undefined || count <= 1) {
          this.held.delete(value);
        } else {
          this.held.set(value, count - 1);
        }
      }
      this.rebuild();
    };
  }

  /** `text` with every known secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    let result = text;
    for (const pattern of this.patterns) {
      if (result.includes(pattern)) {
        result = result.replaceAll(pattern, REDACTED);
      }
    }
    return result;
  }

  /**
   * A JSON value with every secret inside its strings (and keys) redacted;
   * the value itself when nothing was found. Works on the serialised form,
   * whose JSON-escaped secrets are among the patterns too.
   */
  redactJson<T>(value: T): T {
    if (this.patterns.length === 0) {
      return value;
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      return value; // Not JSON (a cycle, a bigint): nothing from the wire.
    }
    if (text === undefined) {
      return value;
    }
    const redacted = this.redact(text);
    return redacted === text ? value : (JSON.parse(redacted) as T);
  }

  private rebuild(): void {
    const forms = new Set<string>();
    for (const secret of [...this.configured, ...this.held.keys()]) {
      for (const form of formsOf(secret)) {
        forms.add(form);
      }
    }
    this.patterns = [...forms].sort((a, b) => b.length - a.length);
  }
}

/** The values worth redacting: each one, and the token of `<scheme> <token>`. */
function secretValues(
  values: readonly (string | null | undefined)[],
): string[] {
  return values.flatMap((value) => {
    if (typeof value !== 'string') {
      return [];
    }
    const trimmed = value.trim();
    const token = AUTH_SCHEME.exec(trimmed)?.[1]?.trim();
    return [trimmed, token].filter(
      (candidate): candidate is string =>
        candidate !== undefined && candidate.length >= MIN_SECRET_LENGTH,
    );
  });
}

/**
 * How a secret may be written: as it is, JSON-escaped (inside a log line or
 * a serialised body) and percent-encoded (inside a URL).
 */
function formsOf(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
  ];
}

/**
 * The secrets of this process. One instance for the whole process, because
 * the logger is created before Nest and its modules: each config namespace
 * adds the secrets it resolves, and a hosted MCP server holds its tokens
 * while its request runs.
 */
export const knownSecrets = new SecretRedactor();
