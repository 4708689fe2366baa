import { randomText } from '../../common/random/random-text.js';

/** The id prefixes OpenAI uses (docs/responses-api.md §1). */
export type IdPrefix =
  | 'resp'
  | 'msg'
  | 'fc'
  | 'call'
  | 'rs'
  | 'ctc'
  | 'mcp'
  | 'mcpl'
  | 'mcpr'
  | 'cmp'
  | 'conv';

const ID_BYTES = 16;

/** A new random id: `<prefix>_` followed by 32 hex characters. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomText(ID_BYTES, 'hex')}`;
}
