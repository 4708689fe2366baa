/**
 * Loads the OpenAPI documents vendored in `test/fixtures/spec/` (OpenAI's
 * `openai-openapi.yaml`, Open Responses' `openresponses-openapi.json`; origin
 * and refresh steps in its SOURCE.md) once
 * per test process, on first use, into one ajv (JSON Schema 2020-12)
 * instance, each document under its own `$id`. ajv then compiles only the
 * schemas a validator reaches through `$ref`, so unrelated corners of the
 * 3 MB OpenAI spec can neither break nor slow a test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { dig } from './json-dig.js';
import {
  normalizeOpenApiSchemas,
  withNullableProperty,
} from './openapi-normalize.js';
import { isRecord } from '../../src/common/is-record.js';

// test/support/ -> test/fixtures/spec/, inside the repository.
const SPEC_DIR = new URL('../fixtures/spec/', import.meta.url);
const OPENAI_ID = 'https://spec.invalid/openai-openapi.json';
const OPEN_RESPONSES_ID = 'https://spec.invalid/openresponses-openapi.json';

/** A spec added to {@link ajv}, with its stream event types. */
export interface LoadedSpec {
  /** `$id` of the document inside the shared ajv instance. */
  id: string;
  /** Stream event `type` -> component schema name. */
  events: Map<string, string>;
}

let ajvInstance: Ajv2020 | undefined;
let openAiSpec: LoadedSpec | undefined;
let openResponsesSpec: LoadedSpec | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The one ajv instance, with the formats both specs use, made on first use. */
export function ajv(): Ajv2020 {
  if (!ajvInstance) {
    ajvInstance = new Ajv2020({
      // The specs carry OpenAPI/vendor keywords (`x-*`, `example`) and a few
      // typos (`optional`, `min_items`) that ajv must ignore, not reject.
      strict: false,
      // Meta-validating the whole 3 MB document on every load costs time for
      // nothing: ajv still throws on a malformed schema when it compiles it.
      validateSchema: false,
      logger: false,
      // Errors carry `data` and `parentSchema`, used to drop union noise.
      verbose: true,
    });
    ajvFormats.default(ajvInstance);
    // OpenAI's own format for unix seconds; its `type` already says enough.
    ajvInstance.addFormat('unixtime', true);
  }
  return ajvInstance;
}

function readSpec(file: string): string {
  return readFileSync(fileURLToPath(new URL(file, SPEC_DIR)), 'utf8');
}

function componentSchemas(id: string, doc: unknown): Record<string, unknown> {
  const schemas = dig(doc, 'components', 'schemas');
  if (!isRecord(schemas)) {
    throw new Error(`${id}: no components.schemas`);
  }
  return normalizeOpenApiSchemas(schemas);
}

function addDocument(id: string, schemas: Record<string, unknown>): void {
  // One document per spec, so `#/components/schemas/X` refs resolve inside it.
  ajv().addSchema({ $id: id, components: { schemas } });
}

/**
 * OpenAI's spec, parsed (about 1-2 s of YAML) and added on the first call,
 * with `ResponseStreamEvent`'s members keyed by their `type`.
 */
export function openAi(): LoadedSpec {
  if (!openAiSpec) {
    const doc: unknown = parseYaml(readSpec('openai-openapi.yaml'));
    // Erratum: the spec types `Response.usage` as a plain object, yet its own
    // response.created/in_progress examples send `"usage": null`, as the
    // live API does; Open Responses requires the key and allows null.
    const schemas = withNullableProperty(
      componentSchemas(OPENAI_ID, doc),
      'Response',
      'usage',
    );
    addDocument(OPENAI_ID, schemas);
    const union = schemas['ResponseStreamEvent'];
    const members = dig(union, 'anyOf') ?? dig(union, 'oneOf');
    openAiSpec = { id: OPENAI_ID, events: eventTypes(schemas, members) };
  }
  return openAiSpec;
}

/** The Open Responses spec, added on the first call, events keyed by type. */
export function openResponses(): LoadedSpec {
  if (!openResponsesSpec) {
    const doc: unknown = JSON.parse(readSpec('openresponses-openapi.json'));
    const schemas = componentSchemas(OPEN_RESPONSES_ID, doc);
    addDocument(OPEN_RESPONSES_ID, schemas);
    // Open Responses has no named event union: the streaming events are the
    // oneOf of `POST /responses` -> 200 -> text/event-stream.
    const members = dig(
      doc,
      'paths',
      '/responses',
      'post',
      'responses',
      '200',
      'content',
      'text/event-stream',
      'schema',
      'oneOf',
    );
    openResponsesSpec = {
      id: OPEN_RESPONSES_ID,
      events: eventTypes(schemas, members),
    };
  }
  return openResponsesSpec;
}

/** Maps each union member's `type` (a const or one-value enum) to its name. */
function eventTypes(
  schemas: Record<string, unknown>,
  members: unknown,
): Map<string, string> {
  if (!Array.isArray(members) || members.length === 0) {
    throw new Error('stream event union not found in the spec');
  }
  const types = new Map<string, string>();
  for (const member of members) {
    const ref = dig(member, '$ref');
    const name = typeof ref === 'string' ? ref.split('/').pop() : undefined;
    const typeSchema = dig(schemas[name ?? ''], 'properties', 'type');
    const enumValues = dig(typeSchema, 'enum');
    const value =
      dig(typeSchema, 'const') ??
      (Array.isArray(enumValues) ? enumValues[0] : undefined);
    if (name === undefined || typeof value !== 'string') {
      throw new Error(`cannot read the event type of ${String(ref)}`);
    }
    types.set(value, name);
  }
  return types;
}

/** The compiled validator of `components.schemas[schemaName]`, cached. */
export function validator(
  spec: LoadedSpec,
  schemaName: string,
): ValidateFunction {
  const ref = `${spec.id}#/components/schemas/${schemaName}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv().getSchema(ref);
    if (!validate) {
      throw new Error(`schema ${schemaName} not found in ${spec.id}`);
    }
    compiled.set(ref, validate);
  }
  return validate;
}
