/**
 * The gateway's own OpenAPI document (openapi/openapi.json) for tests: its
 * component schemas go into the shared ajv instance under their own `$id`,
 * and answers are checked against the schema an operation declares.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { dig, isObject } from './json-dig.js';
import { ajv } from './openapi-documents.js';
import { formatErrors } from './openapi-errors.js';

/** The committed document, as written by `npm run openapi`. */
export const COMMITTED_DOCUMENT_FILE = new URL(
  '../../openapi/openapi.json',
  import.meta.url,
);

const GATEWAY_ID = 'https://spec.invalid/gateway-openapi.json';

/** The committed document, parsed. */
export function committedDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(COMMITTED_DOCUMENT_FILE, 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Validates answers against one document's declared response schemas. */
export class DocumentResponses {
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: Record<string, unknown>) {
    if (!ajv().getSchema(GATEWAY_ID)) {
      ajv().addSchema({
        $id: GATEWAY_ID,
        components: dig(document, 'components'),
      });
    }
  }

  /**
   * Errors of `body` against the schema that `method path` declares for
   * `status` and `contentType` (`[]` when valid).
   * @throws Error when the operation declares no such schema.
   */
  errors(
    method: string,
    path: string,
    status: number,
    body: unknown,
    contentType = 'application/json',
  ): string[] {
    const key = `${method} ${path} ${status} ${contentType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = dig(
        this.document,
        'paths',
        path,
        method.toLowerCase(),
        'responses',
        String(status),
        'content',
        contentType,
        'schema',
      );
      const ref = dig(schema, '$ref');
      if (!isObject(schema) || typeof ref !== 'string') {
        throw new Error(`the document declares no schema for ${key}`);
      }
      validate = ajv().compile({ $ref: `${GATEWAY_ID}${ref}` });
      this.compiled.set(key, validate);
    }
    return validate(body) ? [] : formatErrors(validate.errors ?? [], '');
  }
}
