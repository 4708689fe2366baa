import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponsesObject,
  SchemaObject,
} from '@nestjs/swagger';
import { schemaRef } from './schema-ref.js';

/** What the Nest scanner cannot see, merged into its document. */
export interface DocumentAdditions {
  /** Path items of routes registered on Fastify directly. */
  extraPaths: Record<string, PathItemObject>;
  /** Component schema sets (OpenAI's, the gateway's); names must not clash. */
  schemas: readonly Record<string, SchemaObject>[];
  /** Routes served without a key (the auth hook's OPEN_ROUTES). */
  openRoutes: ReadonlySet<string>;
}

const METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;

const ERROR_CONTENT = {
  'application/json': { schema: schemaRef('GatewayError') },
};

function isParameter(
  parameter: ParameterObject | ReferenceObject,
): parameter is ParameterObject {
  return !('$ref' in parameter);
}

/**
 * Repairs what the scanner infers from handler signatures: `@Headers()`
 * arguments become required header parameters (the gateway requires none,
 * and `Authorization` is the security scheme's), a path shared by a
 * `@Post([a, b])` list gets the other path's parameters, and a `*` wildcard
 * argument keeps its name while the path says `{path}`.
 */
function parameters(
  path: string,
  found: (ParameterObject | ReferenceObject)[] | undefined,
): (ParameterObject | ReferenceObject)[] | undefined {
  if (found === undefined) {
    return undefined;
  }
  const placeholders = new Set(
    [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
  );
  const kept: (ParameterObject | ReferenceObject)[] = [];
  for (const parameter of found) {
    if (!isParameter(parameter)) {
      kept.push(parameter);
    } else if (parameter.in === 'header') {
      if (parameter.name.toLowerCase() !== 'authorization') {
        kept.push({ ...parameter, required: false });
      }
    } else if (parameter.in === 'path' && parameter.name === '*') {
      kept.push({
        ...parameter,
        name: 'path',
        description: parameter.description ?? 'May contain slashes.',
      });
    } else if (parameter.in !== 'path' || placeholders.has(parameter.name)) {
      kept.push(parameter);
    }
  }
  return kept;
}

function responses(found: ResponsesObject, open: boolean): ResponsesObject {
  const out: ResponsesObject = { ...found };
  if (!open && out['401'] === undefined) {
    out['401'] = {
      description: 'No key, or a wrong one (when GATEWAY_API_KEYS is set).',
      content: ERROR_CONTENT,
    };
  }
  if (!open && out['default'] === undefined) {
    out['default'] = {
      description:
        "An error in OpenAI's shape: an invalid request (400), an unknown id (404), an upstream failure (502, 504), …",
      content: ERROR_CONTENT,
    };
  }
  return out;
}

function operation(
  path: string,
  found: OperationObject,
  open: boolean,
): OperationObject {
  const out: OperationObject = {
    ...found,
    // `@Post([a, b])` yields `X_create[0]`, `X_create[1]`: not identifiers.
    operationId: found.operationId?.replace(/\[(\d+)\]$/, (_, index) =>
      index === '0' ? '' : `_${String(index)}`,
    ),
    responses: responses(found.responses, open),
  };
  const fixed = parameters(path, found.parameters);
  if (fixed !== undefined) {
    out.parameters = fixed;
  }
  if (open) {
    out.security = [];
  }
  return out;
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * Completes the scanned document: adds the Fastify-level paths and the
 * schemas, repairs inferred parameters and operation ids, marks the open
 * routes `security: []`, gives every secured operation its 401 and a default
 * error answer, and sorts paths and schemas so the output is stable.
 * Pure: the input is not modified.
 * @throws Error when two schemas share a name.
 */
export function completeDocument(
  scanned: OpenAPIObject,
  additions: DocumentAdditions,
): OpenAPIObject {
  const merged: Record<string, PathItemObject> = { ...scanned.paths };
  for (const [path, item] of Object.entries(additions.extraPaths)) {
    // A Fastify route may share its path with a Nest one (GET and POST).
    merged[path] = { ...merged[path], ...item };
  }
  const paths: Record<string, PathItemObject> = {};
  for (const [path, item] of Object.entries(merged)) {
    const open = additions.openRoutes.has(path);
    const out: PathItemObject = { ...item };
    for (const method of METHODS) {
      const found = item[method];
      if (found !== undefined) {
        out[method] = operation(path, found, open);
      }
    }
    paths[path] = out;
  }
  // The scanner's own schemas are DTO classes, which @ApiBody replaces by
  // OpenAI's schemas: only those still referenced are kept.
  const referenced = JSON.stringify(paths);
  const scannedSchemas = Object.fromEntries(
    Object.entries(scanned.components?.schemas ?? {}).filter(([name]) =>
      referenced.includes(`"#/components/schemas/${name}"`),
    ),
  );
  const schemas: Record<string, SchemaObject | ReferenceObject> = {};
  for (const set of [scannedSchemas, ...additions.schemas]) {
    for (const [name, schema] of Object.entries(set)) {
      if (name in schemas) {
        throw new Error(`two OpenAPI schemas are named ${name}`);
      }
      schemas[name] = schema;
    }
  }
  return {
    ...scanned,
    paths: sortedByKey(paths),
    components: {
      ...scanned.components,
      schemas: sortedByKey(schemas),
    },
  };
}
