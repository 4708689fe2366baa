/** A comma-separated list of HTTP header names (RFC 9110 tokens). */
export const HEADER_NAME_LIST =
  /^\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*\s*$/;

/** The lower-case names of a comma-separated header list; [] when unset. */
export function parseHeaderList(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}
