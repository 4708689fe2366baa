import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponsesObject,
  SchemaObject,
} from '@nestjs/swagger';
import {
  assertUniqueOperationIds,
  OPERATION_METHODS,
  operationIdFor,
} from './operation-ids.js';
import {
  REQUEST_ID_COMPONENTS,
  REQUEST_ID_HEADER,
  REQUEST_ID_HEADER_REF,
  REQUEST_ID_PARAMETER_REF,
} from './request-id.js';
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
 * and `Authorization` is the security scheme's) and give way to an
 * `@ApiHeader` of the same name, a path shared by a `@Post([a, b])` list
 * gets the other path's parameters, and a `*` wildcard argument keeps its
 * name while the path says `{path}`. Every operation takes the request id.
 */
function parameters(
  path: string,
  found: (ParameterObject | ReferenceObject)[] = [],
): (ParameterObject | ReferenceObject)[] {
  const placeholders = new Set(
    [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
  );
  const kept: (ParameterObject | ReferenceObject)[] = [];
  for (const parameter of found) {
    if (!isParameter(parameter)) {
      kept.push(parameter);
    } else if (parameter.in === 'header') {
      const name = parameter.name.toLowerCase();
      if (name !== 'authorization' && name !== REQUEST_ID_HEADER) {
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
  return [...withoutUndocumentedTwins(kept), REQUEST_ID_PARAMETER_REF];
}

/** Drops a parameter without a description when one of its name has one. */
function withoutUndocumentedTwins(
  found: (ParameterObject | ReferenceObject)[],
): (ParameterObject | ReferenceObject)[] {
  const documented = new Set(
    found
      .filter(isParameter)
      .filter((parameter) => parameter.description !== undefined)
      .map((parameter) => `${parameter.in} ${parameter.name.toLowerCase()}`),
  );
  return found.filter(
    (parameter) =>
      !isParameter(parameter) ||
      parameter.description !== undefined ||
      !documented.has(`${parameter.in} ${parameter.name.toLowerCase()}`),
  );
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
  for (const [status, answer] of Object.entries(out)) {
    // A WebSocket upgrade's 101 is written by the ws library, without it.
    if (answer !== undefined && !('$ref' in answer) && status !== '101') {
      out[status] = {
        ...answer,
        headers: {
          ...answer.headers,
          [REQUEST_ID_HEADER]: REQUEST_ID_HEADER_REF,
        },
      };
    }
  }
  return out;
}

function operation(
  path: string,
  found: OperationObject,
  context: { open: boolean; paths: ReadonlySet<string> },
): OperationObject {
  const out: OperationObject = {
    ...found,
    parameters: parameters(path, found.parameters),
    responses: responses(found.responses, context.open),
  };
  if (found.operationId !== undefined) {
    out.operationId = operationIdFor(path, found.operationId, context.paths);
  }
  if (context.open) {
    out.security = [];
  }
  return out;
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function completedPaths(
  scanned: OpenAPIObject,
  additions: DocumentAdditions,
): Record<string, PathItemObject> {
  const merged: Record<string, PathItemObject> = { ...scanned.paths };
  for (const [path, item] of Object.entries(additions.extraPaths)) {
    // A Fastify route may share its path with a Nest one (GET and POST).
    merged[path] = { ...merged[path], ...item };
  }
  const all = new Set(Object.keys(merged));
  const paths: Record<string, PathItemObject> = {};
  for (const [path, item] of Object.entries(merged)) {
    const context = { open: additions.openRoutes.has(path), paths: all };
    const out: PathItemObject = { ...item };
    for (const method of OPERATION_METHODS) {
      const found = item[method];
      if (found !== undefined) {
        out[method] = operation(path, found, context);
      }
    }
    paths[path] = out;
  }
  return paths;
}

function mergedSchemas(
  scanned: OpenAPIObject,
  paths: Record<string, PathItemObject>,
  additions: DocumentAdditions,
): Record<string, SchemaObject | ReferenceObject> {
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
  return schemas;
}

/**
 * Completes the scanned document: adds the Fastify-level paths and the
 * schemas, repairs inferred parameters, names each path's operation
 * (operationIdFor), marks the open routes `security: []`, gives every
 * secured operation its 401 and a default error answer, every operation
 * the request id, and sorts paths and schemas so the output is stable.
 * Pure: the input is not modified.
 * @throws Error when two schemas share a name, or two operations an id.
 */
export function completeDocument(
  scanned: OpenAPIObject,
  additions: DocumentAdditions,
): OpenAPIObject {
  const paths = completedPaths(scanned, additions);
  const document: OpenAPIObject = {
    ...scanned,
    paths: sortedByKey(paths),
    components: {
      ...scanned.components,
      ...REQUEST_ID_COMPONENTS,
      schemas: sortedByKey(mergedSchemas(scanned, paths, additions)),
    },
  };
  assertUniqueOperationIds(document);
  return document;
}
