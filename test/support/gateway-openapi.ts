/**
 * The gateway's own OpenAPI document (openapi/openapi.json) for tests: its
 * component schemas go into the shared ajv instance under their own `$id`,
 * and answers are checked against the schema an operation declares.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createParser } from 'eventsource-parser';
import { dig } from './json-dig.js';
import { ajv } from './openapi-documents.js';
import { formatErrors } from './openapi-errors.js';
import { isRecord } from '../../src/common/is-record.js';

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
      if (!isRecord(schema) || typeof ref !== 'string') {
        throw new Error(`the document declares no schema for ${key}`);
      }
      validate = ajv().compile({ $ref: `${GATEWAY_ID}${ref}` });
      this.compiled.set(key, validate);
    }
    return validate(body) ? [] : formatErrors(validate.errors ?? [], '');
  }

  /**
   * Errors of one SSE event against the `itemSchema` that `method path`
   * declares for its `text/event-stream` answer (`[]` when valid). The
   * itemSchema is an anyOf of event shapes; a shape whose `data` names a
   * JSON `contentSchema` also needs `data` to be that JSON (ajv treats
   * contentSchema as an annotation, so it is checked here).
   * @throws Error when the operation declares no such itemSchema.
   */
  streamEventErrors(method: string, path: string, event: SseEvent): string[] {
    const ref = dig(
      this.document,
      'paths',
      path,
      method.toLowerCase(),
      'responses',
      '200',
      'content',
      'text/event-stream',
      'itemSchema',
      '$ref',
    );
    if (typeof ref !== 'string') {
      throw new Error(`${method} ${path} declares no stream itemSchema`);
    }
    const shapes = dig(this.component(ref), 'anyOf');
    if (!Array.isArray(shapes)) {
      throw new Error(`${ref} is not an anyOf of event shapes`);
    }
    const errors = shapes.map((shape: unknown, index) =>
      this.shapeErrors(`${ref}/anyOf/${String(index)}`, shape, event),
    );
    return errors.some((found) => found.length === 0) ? [] : errors.flat();
  }

  private shapeErrors(
    pointer: string,
    shape: unknown,
    event: SseEvent,
  ): string[] {
    const validate = this.compile(pointer);
    if (!validate(event)) {
      return formatErrors(validate.errors ?? [], `${pointer}: `);
    }
    const resolved = this.component(dig(shape, '$ref') ?? pointer);
    const content = dig(
      resolved,
      'properties',
      'data',
      'contentSchema',
      '$ref',
    );
    if (typeof content !== 'string') {
      return [];
    }
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      return [`${pointer}: data is not JSON`];
    }
    const validateData = this.compile(content);
    return validateData(json)
      ? []
      : formatErrors(validateData.errors ?? [], `${pointer} data: `);
  }

  /** The value at a `#/…` JSON pointer of the document (arrays included). */
  private component(pointer: unknown): unknown {
    let value: unknown = this.document;
    for (const key of String(pointer).replace(/^#\//, '').split('/')) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    return value;
  }

  private compile(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = ajv().compile({ $ref: `${GATEWAY_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/** One Server-Sent Event as a parser yields it (OpenAPI 3.2's view of an item). */
export interface SseEvent {
  event?: string;
  data: string;
}

/** The events of an SSE body, parsed by eventsource-parser (comments skipped). */
export async function sseEvents(answer: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, data }) =>
      events.push(event === undefined ? { data } : { event, data }),
  });
  parser.feed(await answer.text());
  return events;
}
