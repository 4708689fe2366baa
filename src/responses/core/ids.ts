import { randomBytes } from 'node:crypto';

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
  | 'cmp';

/** A new random id: `<prefix>_` followed by 32 hex characters. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}
