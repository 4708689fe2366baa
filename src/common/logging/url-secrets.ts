/**
 * The password of a URL such as `redis://user:password@host`, as written
 * (percent-encoded) and decoded (what the client sends, e.g. in Redis's
 * AUTH); empty when the URL has none or does not parse.
 */
export function urlPasswords(url: string | undefined): string[] {
  if (url === undefined || !URL.canParse(url)) {
    return [];
  }
  const written = new URL(url).password;
  if (written === '') {
    return [];
  }
  let decoded = written;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    // A malformed escape: the client sends it as written.
  }
  return [...new Set([written, decoded])];
}

/**
 * `url` as it may be logged: without its user info, query and fragment
 * (where tokens travel); a text that does not parse as a URL is not echoed.
 */
export function loggableUrl(url: string): string {
  if (!URL.canParse(url)) {
    return '(not a URL)';
  }
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.replace(/\/$/, '');
}
