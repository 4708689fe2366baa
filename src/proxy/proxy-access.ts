import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import {
  allowsModel,
  assertModelAllowed,
  matchesAny,
} from '../auth/access-policy.js';
import { requestTenant } from '../auth/request-tenant.js';
import { readWholeBody } from '../common/admission/whole-body.js';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { isRecord } from '../common/is-record.js';
import type { Tenant } from '../config/security/tenant.js';
import {
  upstreamUrl,
  type UpstreamTarget,
} from '../config/upstreams/upstream-target.js';
import { assertIdentityEncoding, bodyModel } from './body-model.js';

const MODEL_LIST_PATH = /^models\/?$/;
const ONE_MODEL_PATH = /^models\/(.+)$/s;

/**
 * The access checks of one pass-through request, for a caller whose key
 * has a `pass_through` list (the paths it may call) or a model list
 * (callers with neither are not checked). Only a key with a model list
 * has its bodies read: the others stream on unread. The pass-through sends
 * the model as it is to the upstream of the path (the default one for
 * `/v1/...`), so a model goes by its name and by `upstream/model` (see
 * allowsModel).
 */
export class PassThroughAccess {
  private constructor(
    private readonly tenant: Tenant,
    private readonly target: UpstreamTarget,
    private readonly upstreamName: string | undefined,
  ) {}

  /** The checks of a request to `target`; undefined when nothing is to be checked. */
  static of(
    tenant: Tenant | undefined,
    target: UpstreamTarget,
    upstreamName: string | undefined,
  ): PassThroughAccess | undefined {
    return tenant?.models === undefined && tenant?.passThrough === undefined
      ? undefined
      : new PassThroughAccess(tenant, target, upstreamName);
  }

  /**
   * Whether the pass-through reads this request's body whole before
   * forwarding it (its key has a model list): such a body counts against
   * the memory budget of request bodies, as a parsed one does.
   */
  static readsBody(this: void, request: FastifyRequest): boolean {
    return requestTenant(request)?.models !== undefined;
  }

  /** Whether models are checked (the key has a model list). */
  get checksModels(): boolean {
    return this.tenant.models !== undefined;
  }

  /**
   * Refuses a path below `/v1/` that the key's `pass_through` list does
   * not name, before any upstream call. The path is the one the upstream
   * gets (dot segments resolved), percent-decoded as servers route it; a
   * decoded `.`/`..` segment or backslash is refused, whatever the list.
   * @throws GatewayException forbidden (403, `path_not_allowed`);
   * invalid_request for a path leaving the upstream's API root.
   */
  assertPathAllowed(pathAndQuery: string): void {
    const patterns = this.tenant.passThrough;
    if (patterns === undefined) {
      return;
    }
    const path = pathBelowRoot(this.target, pathAndQuery);
    if (path === undefined || !matchesAny(patterns, [path])) {
      throw new GatewayException(
        'forbidden',
        `The path '${pathAndQuery.split('?')[0]}' is not available to this API key.`,
        { openAiCode: 'path_not_allowed' },
      );
    }
  }

  /**
   * Whether `pathAndQuery` (below the version) is the model list, as the
   * upstream gets the path (`/x/../models` is).
   */
  isModelList(pathAndQuery: string): boolean {
    return MODEL_LIST_PATH.test(this.upstreamPath(pathAndQuery));
  }

  allows(model: string): boolean {
    return allowsModel(this.tenant, this.requested(model), () => ({
      target: this.target,
      model,
    }));
  }

  /**
   * For `GET /models/{id}`: a model the key may not use does not exist
   * for it, as in the aggregated list (404 before any upstream call). The
   * id is read from the path the upstream gets (dot segments resolved,
   * percent-decoded), so `/models/ok/%2e%2e/other` is checked as `other`.
   * @throws GatewayException not_found; invalid_request for a path that
   * cannot be read unambiguously (see pathBelowRoot).
   */
  assertModelVisible(pathAndQuery: string): void {
    const id = ONE_MODEL_PATH.exec(this.upstreamPath(pathAndQuery))?.[1];
    if (id !== undefined && !this.allows(id)) {
      throw new GatewayException(
        'not_found',
        `The model '${id}' does not exist.`,
        { param: 'model', openAiCode: 'model_not_found' },
      );
    }
  }

  /**
   * The path below the API root that the upstream gets and routes.
   * @throws GatewayException invalid_request when that is not one path.
   */
  private upstreamPath(pathAndQuery: string): string {
    const path = pathBelowRoot(this.target, pathAndQuery);
    if (path === undefined) {
      throw new GatewayException(
        'invalid_request',
        'This API key may not send a path with an encoded dot segment, an encoded backslash or a malformed escape.',
        { openAiCode: 'invalid_path' },
      );
    }
    return path;
  }

  /**
   * The body to forward. With a model list: read whole (the body limit
   * and the memory budget bound it), its `model` checked (see bodyModel),
   * then sent on as the same bytes; without one, `body` itself.
   * @throws GatewayException forbidden (`model_not_allowed`), the refusals
   * of an unreadable body (see bodyModel), payload_too_large.
   */
  async checkedBody(
    body: Readable | null,
    headers: IncomingHttpHeaders,
  ): Promise<Readable | null> {
    if (body === null || !this.checksModels) {
      return body;
    }
    assertIdentityEncoding(headers);
    const bytes = await readWholeBody(body);
    const model = bodyModel(bytes, headers);
    if (model !== undefined) {
      assertModelAllowed(this.tenant, this.requested(model), () => ({
        target: this.target,
        model,
      }));
    }
    return Readable.from([bytes]);
  }

  /** An upstream's model list with only the entries the key may use. */
  visibleModels(list: unknown): unknown {
    if (!isRecord(list) || !Array.isArray(list['data'])) {
      return list;
    }
    const data = (list['data'] as unknown[]).filter(
      (entry) =>
        isRecord(entry) &&
        typeof entry['id'] === 'string' &&
        this.allows(entry['id']),
    );
    return { ...list, data };
  }

  private requested(model: string): {
    model: string;
    upstreamName?: string;
  } {
    return this.upstreamName === undefined
      ? { model }
      : { model, upstreamName: this.upstreamName };
  }
}

/**
 * The path below the upstream's API root (`embeddings`,
 * `files/file-1/content`) as the upstream gets it (resolved by the URL
 * parser, as undici sends it) and routes it (percent-decoded); undefined
 * when it cannot be decoded or holds a `.`/`..` segment or a backslash.
 * @throws GatewayException invalid_request (a path leaving the API root).
 */
function pathBelowRoot(
  target: UpstreamTarget,
  pathAndQuery: string,
): string | undefined {
  const sent = new URL(upstreamUrl(target, pathAndQuery)).pathname;
  const root = new URL(target.baseUrl).pathname.replace(/\/+$/, '');
  const path = decodedOrUndefined(sent.slice(root.length + 1));
  if (
    path === undefined ||
    path.includes('\\') ||
    path.split('/').some((segment) => segment === '.' || segment === '..')
  ) {
    return undefined;
  }
  return path;
}

function decodedOrUndefined(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
