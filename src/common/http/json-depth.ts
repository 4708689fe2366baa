/**
 * Deepest nesting of arrays and objects a JSON body may have. Real requests
 * (tool schemas, structured outputs) stay far below it; the recursive code
 * that reads a body (class-transformer, JSON.stringify) overflows the stack
 * at a few thousand levels, which would otherwise surface as a 500.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * True when `value` nests arrays or objects deeper than `limit` levels.
 * Iterative, so an adversarial body cannot overflow the stack here either,
 * and it stops at the first level too deep.
 */
export function exceedsJsonDepth(
  value: unknown,
  limit = MAX_JSON_DEPTH,
): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') {
      continue;
    }
    if (depth + 1 > limit) {
      return true;
    }
    const children: unknown[] = Array.isArray(node)
      ? node
      : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        stack.push([child, depth + 1]);
      }
    }
  }
  return false;
}
