/**
 * A flat copy of `text`: one contiguous string that references no other.
 *
 * V8 keeps `a + b` as a rope and `s.slice()` as a view that keeps all of
 * `s` alive. Copy a string that is kept and reused many times (a frame
 * head, an item's text, a template): each use of a rope walks its pieces
 * again, and a slice pins the upstream read it came from. Figures in
 * bench/README.md ("Fast paths").
 */
export function flatCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
