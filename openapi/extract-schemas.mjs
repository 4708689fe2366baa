/**
 * Writes openapi/openai-schemas.json: the component schemas of OpenAI's spec
 * (../shared/spec/openai-openapi.yaml) that the gateway's routes reference,
 * with the transitive closure of their `$ref`s. The app merges the result
 * into its own OpenAPI document (src/openapi/), so it never reads ../shared
 * at run time. Re-run after updating the shared spec:
 *
 *   node openapi/extract-schemas.mjs && npm run openapi
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const SPEC = new URL('../../shared/spec/openai-openapi.yaml', import.meta.url);
const OUT = new URL('./openai-schemas.json', import.meta.url);
const PREFIX = '#/components/schemas/';

/** The schemas the gateway's routes name directly. */
const ROOTS = [
  'CreateResponse',
  'Response',
  'ResponseStreamEvent',
  'ResponseItemList',
  'ConversationResource',
  'CreateConversationBody',
  'UpdateConversationBody',
  'DeletedConversationResource',
  'ConversationItem',
  'ConversationItemList',
  'InputItem',
  'TokenCountsBody',
  'TokenCountsResource',
  'CompactResponseMethodPublicBody',
  'CompactResource',
  'CreateChatCompletionRequest',
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'ListModelsResponse',
  'Model',
  'ErrorResponse',
  'Error',
];

const spec = parse(readFileSync(SPEC, 'utf8'));
const all = spec.components.schemas;

/** Every `$ref` target name inside a value. */
function refs(value, found = new Set()) {
  if (Array.isArray(value)) {
    value.forEach((item) => refs(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') {
        found.add(inner.slice(PREFIX.length));
      } else {
        refs(inner, found);
      }
    }
  }
  return found;
}

const names = new Set();
const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.pop();
  if (names.has(name)) {
    continue;
  }
  if (!(name in all)) {
    throw new Error(`schema ${name} is not in the OpenAI spec`);
  }
  names.add(name);
  queue.push(...refs(all[name]));
}

/**
 * Keeps the output valid OpenAPI 3.1 (JSON Schema 2020-12): a few schemas
 * still use 3.0's `nullable`, and one uses 2019-09's `$recursiveRef`; drops
 * the discriminators that would mislead client generators.
 */
function to31(value, selfRef) {
  if (Array.isArray(value)) {
    return value.map((item) => to31(item, selfRef));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$recursiveRef') {
      out.$ref = selfRef;
    } else if (
      key === '$recursiveAnchor' ||
      key === 'nullable' ||
      // OpenAI's discriminators have no `mapping`, which in OpenAPI means the
      // values are schema names (so generators type `role` as
      // "ChatCompletionRequestUserMessage"); the oneOf/anyOf alone decides.
      (key === 'discriminator' && inner?.mapping === undefined)
    ) {
      continue;
    } else if (key === 'example' || key === 'default' || key === 'enum') {
      // Data, not schemas: copied as they are.
      out[key] = inner;
    } else {
      out[key] = to31(inner, selfRef);
    }
  }
  if (value.nullable !== true) {
    return out;
  }
  if (typeof out.type === 'string' || Array.isArray(out.type)) {
    const types = [out.type].flat();
    out.type = types.includes('null') ? types : [...types, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) {
      out.enum = [...out.enum, null];
    }
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const schemas = {};
for (const name of [...names].sort()) {
  schemas[name] = to31(all[name], `${PREFIX}${name}`);
}

// Erratum: the spec types `Response.usage` as an object, yet its own
// response.created/in_progress examples send `"usage": null`, as the live API
// and the gateway do.
const usageOwner = [schemas.Response, ...(schemas.Response.allOf ?? [])].find(
  (part) => part?.properties?.usage,
);
usageOwner.properties.usage = {
  anyOf: [usageOwner.properties.usage, { type: 'null' }],
};

writeFileSync(OUT, `${JSON.stringify(schemas, null, 2)}\n`);
process.stdout.write(
  `wrote ${Object.keys(schemas).length} schemas to ${OUT.pathname}\n`,
);
