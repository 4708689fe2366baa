import { responseJson } from '../core/response-json.js';
import type { ResponseObject } from '../../protocol/responses.types.js';

const RESPONSE_PLACEHOLDER = '{"response":0';

/**
 * `JSON.stringify(record)`, byte for byte, with its Response written by
 * responseJson: the settings a Response echoes (a coding agent's
 * instructions and tool schemas) are then written once per response, not
 * again for the store after the stream's lifecycle events.
 */
export function storedJson(record: { response: ResponseObject }): string {
  if (Object.keys(record)[0] !== 'response') {
    return JSON.stringify(record);
  }
  // The record's other fields, in their order, after a one-digit stand-in.
  const rest = JSON.stringify({ ...record, response: 0 });
  return `{"response":${responseJson(record.response)}${rest.slice(RESPONSE_PLACEHOLDER.length)}`;
}
