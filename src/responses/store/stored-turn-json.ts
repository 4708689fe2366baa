import { jsonText } from '../../common/json/json-text.js';
import { withFields } from '../../common/objects/with-fields.js';
import { responseJson } from '../core/response-json.js';
import type { ResponseObject } from '../../protocol/responses.types.js';

const RESPONSE_KEY = '{"response":';
const WITHOUT_RESPONSE = `${RESPONSE_KEY}null`;

/**
 * `jsonText(turn)`, character for character, its response written by
 * responseJson: the stream's terminal event then finds that text instead
 * of writing the Response a second time (a long answer's output is the
 * larger part of both). A turn whose `response` is not its first key is
 * written whole.
 */
export function storedTurnJson(turn: { response: ResponseObject }): string {
  const rest = jsonText(withFields(turn, { response: null }));
  if (!rest.startsWith(WITHOUT_RESPONSE)) {
    return jsonText(turn);
  }
  return `${RESPONSE_KEY}${responseJson(turn.response)}${rest.slice(WITHOUT_RESPONSE.length)}`;
}
