import { defineFamily, type Viability } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';

const CALL_KEYS = ['name', 'type', 'function'];

/**
 * A bare `{` only starts a call when its first key looks like a call, so a
 * JSON answer (`{"answer": …}`) is released as text right away.
 */
function firstKeyVerdict(body: string): Viability {
  const text = body.trimStart();
  if (text === '') {
    return 'maybe';
  }
  if (!text.startsWith('{')) {
    return 'no';
  }
  const rest = text.slice(1).trimStart();
  if (rest === '') {
    return 'maybe';
  }
  if (!rest.startsWith('"')) {
    return 'no';
  }
  const close = rest.indexOf('"', 1);
  if (close < 0) {
    const partial = rest.slice(1);
    return CALL_KEYS.some((k) => k.startsWith(partial)) ? 'maybe' : 'no';
  }
  return CALL_KEYS.includes(rest.slice(1, close)) ? 'yes' : 'no';
}

/**
 * Llama 3.1 / 3.2 / 3.3 JSON calls: optional `<|python_tag|>`, then
 * `{"name": …, "parameters": {…}}` (or `"arguments"`); several calls are
 * separated by `; `. Without the tag it is only accepted when the message
 * starts with `{`.
 */
export const llama3JsonFamily = defineFamily({
  name: 'llama3-json',
  description: '[<|python_tag|>]{"name": …, "parameters": {…}}; {…}',
  startMarkers: ['<|python_tag|>'],
  leadingMarkers: ['{'],
  modelPattern: /llama[-_ ]?3/i,
  createScanner: (ctx) =>
    valueBlockScanner(
      {
        startMarkers: ['<|python_tag|>'],
        leadingMarkers: ['{'],
        separator: ';',
        viable: firstKeyVerdict,
        parseValues: (values) => parseJsonCallValues(values, ctx),
      },
      ctx,
    ),
});
