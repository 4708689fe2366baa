import { GatewayException } from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import {
  newRequestContext,
  type RequestContext,
} from '../../common/logging/request-context.js';
import type { Tenant } from '../../config/security/tenant.js';
import type { RateLimits } from '../../limits/rate-limits.js';
import type { CreateResponseRequest } from '../../protocol/responses.types.js';
import type { ResponseCallOptions } from '../responses.service.js';
import {
  errorEvent,
  errorEventOf,
  type WebSocketErrorEvent,
} from './websocket-frames.js';

/** The options of a connection's turns, fixed at the upgrade (forwarded auth, MCP header, tenant…). */
export type TurnOptions = Omit<
  ResponseCallOptions,
  'flow' | 'connectionStore' | 'signal'
>;

/** What admits the turns of a connection, fixed at the upgrade. */
export interface TurnAdmissionContext {
  options: TurnOptions;
  /** The upgrade request's id: every line of every turn carries it. */
  reqId: string;
  /**
   * With inbound keys: the tenant of the upgrade's key as the key files say
   * now, undefined once the key was removed. Read before every turn, so a
   * revoked key ends its open sockets too, and changed lists or limits
   * apply from the next turn on.
   */
  currentTenant?: () => Tenant | undefined;
  /** The key's request and token limits; unset: none. */
  limits?: Pick<RateLimits, 'admitTurn'>;
}

/** What the next turn of a connection may do. */
export type TurnAdmission =
  | {
      readonly kind: 'run';
      readonly options: TurnOptions;
      /** Run the turn in it: its log lines, metrics and token settlement. */
      readonly context: RequestContext;
      /** Call once the turn is over. */
      readonly ended: () => void;
    }
  /** Refused (over a limit): the socket stays usable. */
  | { readonly kind: 'refused'; readonly event: WebSocketErrorEvent }
  /** The key was removed: the socket is to be closed. */
  | { readonly kind: 'revoked'; readonly event: WebSocketErrorEvent };

/**
 * Admits one `response.create` turn (`request`, sent as `bodyBytes`
 * bytes) as an HTTP request of the same key would be: the key checked
 * again, then one request and the turn's estimated tokens taken from its
 * limits (RateLimits.admitTurn). A refusal is the error event of the HTTP
 * answer (a 429, or a 503 when the limit store is down under the `closed`
 * policy); an event carries no headers, so its message says when to retry.
 */
export async function admitTurn(
  admission: TurnAdmissionContext,
  request: CreateResponseRequest,
  bodyBytes: number,
): Promise<TurnAdmission> {
  const tenant =
    admission.currentTenant === undefined
      ? admission.options.tenant
      : admission.currentTenant();
  if (admission.currentTenant !== undefined && tenant === undefined) {
    return { kind: 'revoked', event: errorEvent(revokedKey(), 0) };
  }
  const context = newRequestContext(admission.reqId);
  context.tenant = tenant?.label;
  context.tenantMetadata = tenant?.metadata;
  const options =
    tenant === undefined ? admission.options : { ...admission.options, tenant };
  if (tenant === undefined || admission.limits === undefined) {
    return { kind: 'run', options, context, ended: () => undefined };
  }
  try {
    const limited = await admission.limits.admitTurn(
      tenant,
      { body: request, bodyBytes },
      context,
    );
    if (limited.refusal !== undefined) {
      const { status, body } = limited.refusal;
      return { kind: 'refused', event: errorEventOf(status, body, 0) };
    }
    return { kind: 'run', options, context, ended: limited.ended };
  } catch (error) {
    return { kind: 'refused', event: errorEvent(normalizeError(error), 0) };
  }
}

function revokedKey(): GatewayException {
  return new GatewayException(
    'unauthorized',
    'The API key of this connection was revoked.',
    { openAiCode: 'invalid_api_key' },
  );
}
