import { readFileSync } from 'node:fs';

/** Where the inbound API keys come from: the env list and/or a file. */
export interface ApiKeySources {
  /** `GATEWAY_API_KEYS`: comma-separated keys. */
  list?: string;
  /** `GATEWAY_API_KEYS_FILE`: a file with one key per line, `#` comments. */
  file?: string;
}

/** The keys, or the problems that make the sources unusable. */
export interface LoadedApiKeys {
  keys: string[];
  problems: string[];
}

/** Keys of a comma-separated list; blanks around and between commas are dropped. */
export function parseKeyList(text: string): string[] {
  return text
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

/** Keys of a key file: one per line; blank lines and `#` comment lines are skipped. */
export function parseKeyFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Reads every configured source. Keys from both sources are accepted
 * together (e.g. during a rotation), duplicates once. A source that is set
 * but yields no key, or a file that cannot be read, is a problem: starting
 * without auth by mistake would be worse than not starting.
 */
export function loadApiKeys(
  sources: ApiKeySources,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): LoadedApiKeys {
  const keys: string[] = [];
  const problems: string[] = [];
  if (sources.list !== undefined) {
    const listed = parseKeyList(sources.list);
    problems.push(...keyProblems('GATEWAY_API_KEYS', listed, 'lists no key'));
    keys.push(...listed);
  }
  if (sources.file !== undefined) {
    let text: string | undefined;
    try {
      text = readFile(sources.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(
        `GATEWAY_API_KEYS_FILE: cannot read ${sources.file} (${code})`,
      );
    }
    if (text !== undefined) {
      const fromFile = parseKeyFile(text);
      problems.push(
        ...keyProblems(
          'GATEWAY_API_KEYS_FILE',
          fromFile,
          `${sources.file} holds no key`,
        ),
      );
      keys.push(...fromFile);
    }
  }
  return { keys: [...new Set(keys)], problems };
}

function keyProblems(
  variable: string,
  keys: readonly string[],
  whenEmpty: string,
): string[] {
  if (keys.length === 0) {
    return [`${variable}: ${whenEmpty}`];
  }
  const invalid = keys.filter((key) => /[\s,]/.test(key)).length;
  // A count, never the key itself: this text ends up on stderr.
  return invalid > 0
    ? [`${variable}: ${invalid} key(s) contain whitespace or a comma`]
    : [];
}
