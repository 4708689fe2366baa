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
  /**
   * The error answers of the operations of a tag, where they are not
   * OpenAI's (the Messages API's are Anthropic's).
   */
  errorsByTag: Readonly<Record<string, ErrorAnswers>>;
}

/** The body of an operation's error answers, and its `default` answer's description. */
export interface ErrorAnswers {
  schema: string;
  description: string;
}

const OPENAI_ERROR_ANSWERS: ErrorAnswers = {
  schema: 'GatewayError',
  description:
    "An error in OpenAI's shape: an invalid request (400), an unknown id (404), an upstream failure (502, 504), …",
};

/** Request headers that carry the key: the security schemes' to document. */
const KEY_HEADERS = new Set(['authorization', 'x-api-key']);

function isParameter(
  parameter: ParameterObject | ReferenceObject,
): parameter is ParameterObject {
  return !('$ref' in parameter);
}

/**
 * Repairs what the scanner infers from handler signatures: `@Headers()`
 * arguments become required header parameters (the gateway requires none,
 * and `Authorization` and `x-api-key` are the security schemes') and give way to an
 * `@ApiHeader` of the same name, a path shared by a `@Post([a, b])` list
 * gets the other path's parameters, and a `*` wildcard argument keeps its
 * name while the path says `{path}`; a placeholder no argument reads is
 * declared all the same. Every operation takes the request id.
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
      if (!KEY_HEADERS.has(name) && name !== REQUEST_ID_HEADER) {
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
  return [
    ...withoutUndocumentedTwins(kept),
    ...undeclaredPathParameters(placeholders, kept),
    REQUEST_ID_PARAMETER_REF,
  ];
}

/**
 * The placeholders of a path that no parameter declares (a handler that
 * does not read `:upstream` has no `@Param` for it), as string parameters:
 * OpenAPI requires one for each.
 */
function undeclaredPathParameters(
  placeholders: ReadonlySet<string | undefined>,
  kept: (ParameterObject | ReferenceObject)[],
): ParameterObject[] {
  const declared = new Set(
    kept
      .filter(isParameter)
      .filter((parameter) => parameter.in === 'path')
      .map((parameter) => parameter.name),
  );
  return [...placeholders]
    .filter((name): name is string => name !== undefined && !declared.has(name))
    .map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
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

/** The error answers of an operation: its first tag's that has its own, else OpenAI's. */
function errorAnswersOf(
  found: OperationObject,
  errorsByTag: DocumentAdditions['errorsByTag'],
): ErrorAnswers {
  const tag = found.tags?.find((name) => Object.hasOwn(errorsByTag, name));
  return tag === undefined ? OPENAI_ERROR_ANSWERS : errorsByTag[tag]!;
}

function responses(
  found: ResponsesObject,
  open: boolean,
  errors: ErrorAnswers,
): ResponsesObject {
  const out: ResponsesObject = { ...found };
  const content = {
    'application/json': { schema: schemaRef(errors.schema) },
  };
  if (!open && out['401'] === undefined) {
    out['401'] = {
      description: 'No key, or a wrong one (when GATEWAY_API_KEYS is set).',
      content,
    };
  }
  if (!open && out['default'] === undefined) {
    out['default'] = { description: errors.description, content };
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

interface OperationContext {
  open: boolean;
  paths: ReadonlySet<string>;
  errorsByTag: DocumentAdditions['errorsByTag'];
}

function operation(
  path: string,
  found: OperationObject,
  context: OperationContext,
): OperationObject {
  const out: OperationObject = {
    ...found,
    parameters: parameters(path, found.parameters),
    responses: responses(
      found.responses,
      context.open,
      errorAnswersOf(found, context.errorsByTag),
    ),
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
    const context: OperationContext = {
      open: additions.openRoutes.has(path),
      paths: all,
      errorsByTag: additions.errorsByTag,
    };
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
 * secured operation its 401 and a default error answer (in the shape of
 * its tag's errorsByTag, else OpenAI's), every operation
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
