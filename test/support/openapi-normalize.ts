import { isRecord } from '../../src/common/is-record.js';

/**
 * Rewrites the OpenAPI-only parts of `components.schemas` into plain JSON
 * Schema 2020-12 that ajv understands. Pure: returns new objects and leaves
 * the input untouched. Only schema positions are visited, so a property that
 * happens to be named `nullable` or `discriminator` and the data inside
 * `example`/`default`/`x-*` values are never rewritten.
 */
export function normalizeOpenApiSchemas(
  schemas: Record<string, unknown>,
  componentsPointer = '#/components/schemas/',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    out[name] = normalizeSchema(schema, `${componentsPointer}${name}`);
  }
  return out;
}

// Keywords whose value is one subschema, a map of subschemas, or a list.
const SINGLE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
]);
const MAP = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
  'definitions',
]);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

function normalizeSchema(schema: unknown, selfRef: string): unknown {
  if (!isRecord(schema)) {
    return schema;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SINGLE.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((item) => normalizeSchema(item, selfRef))
        : normalizeSchema(value, selfRef);
    } else if (MAP.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, normalizeSchema(v, selfRef)]),
      );
    } else if (LIST.has(key) && Array.isArray(value)) {
      out[key] = value.map((item) => normalizeSchema(item, selfRef));
    } else if (key === '$recursiveRef') {
      // 2019-09 recursion (CompoundFilter); the 2020 dialect has no
      // $recursiveRef, and `#` here means the component itself.
      out['$ref'] = selfRef;
    } else if (key === '$recursiveAnchor' || key === 'discriminator') {
      // `discriminator` is only a hint: the oneOf/anyOf beside it already
      // decides validity, and ajv's own support rejects anyOf and allOf members.
      continue;
    } else {
      out[key] = value;
    }
  }
  return applyNullable(out);
}

/** OpenAPI 3.0 `nullable: true` (still used in places by OpenAI's 3.1 spec). */
function applyNullable(
  schema: Record<string, unknown>,
): Record<string, unknown> {
  const { nullable, ...rest } = schema;
  if (nullable !== true) {
    return rest;
  }
  const { type } = rest;
  if (typeof type === 'string' || Array.isArray(type)) {
    const types: unknown[] = Array.isArray(type) ? type : [type];
    rest['type'] = types.includes('null') ? types : [...types, 'null'];
    if (Array.isArray(rest['enum']) && !rest['enum'].includes(null)) {
      rest['enum'] = [...(rest['enum'] as unknown[]), null];
    }
    return rest;
  }
  const validating = Object.keys(rest).some(
    (key) => !ANNOTATIONS.has(key) && !key.startsWith('x-'),
  );
  if (!validating) {
    return rest;
  }
  // `$ref`/`anyOf`/`oneOf` without `type`: allow null beside the whole thing.
  return { anyOf: [rest, { type: 'null' }] };
}

const ANNOTATIONS = new Set([
  'description',
  'title',
  'default',
  'example',
  'examples',
  'deprecated',
]);

/**
 * Returns `schemas` with `property` of component `name` (declared on it or on
 * one of its allOf members) also accepting null. For documented errata only.
 */
export function withNullableProperty(
  schemas: Record<string, unknown>,
  name: string,
  property: string,
): Record<string, unknown> {
  const schema = structuredClone(schemas[name]);
  const owners = isRecord(schema)
    ? [schema, ...(Array.isArray(schema['allOf']) ? schema['allOf'] : [])]
    : [];
  const owner = owners.find(
    (candidate) =>
      isRecord(candidate) &&
      isRecord(candidate['properties']) &&
      property in candidate['properties'],
  ) as { properties: Record<string, unknown> } | undefined;
  if (!owner) {
    throw new Error(`${name} has no property ${property}`);
  }
  owner.properties[property] = {
    anyOf: [owner.properties[property], { type: 'null' }],
  };
  return { ...schemas, [name]: schema };
}
