import type { OnApplicationShutdown } from '@nestjs/common';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { requestTenant } from '../auth/request-tenant.js';
import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import {
  contextOf,
  type RequestContext,
} from '../common/logging/request-context.js';
import type { Tenant } from '../config/security/tenant.js';
import type { GuardedLimitStore } from './guarded-limit-store.js';
import { checkLimits } from './limit-check.js';
import {
  hasLimits,
  limitsTokens,
  type LimitCost,
  type TokenReservation,
} from './limit-store.js';
import {
  isModelRequest,
  isPassThrough,
  isWebSocketUpgrade,
} from './limited-routes.js';
import {
  passThroughTokens,
  readsPassThroughBody,
  settlingAnswer,
} from './pass-through-tokens.js';
import type { LimitRefusal } from './rate-limit-answers.js';
import type { RateLimitMetrics } from './rate-limit-metrics.js';
import { declaredLength, estimateTokens } from './token-estimate.js';
import { settleFromModelCalls } from './token-settlement.js';
import { ObjectSlot } from '../common/objects/object-slot.js';

const ONE_REQUEST: LimitCost = { requests: 1, tokens: 0 };

/** What RateLimits needs besides its store. */
export interface RateLimitOptions {
  /** RATE_LIMIT_DEFAULT_OUTPUT_TOKENS: the estimate's output without a cap. */
  readonly defaultOutputTokens: number;
  /** UPSTREAM_MAX_BODY_BYTES: the most of a pass-through answer read for its usage. */
  readonly maxAnswerBytes: number;
}

/** What the limits answered a WebSocket turn (RateLimits.admitTurn). */
export interface TurnLimitCheck {
  /** Set when the turn may not run: its error event's status and body. */
  readonly refusal?: LimitRefusal;
  /** Call once the turn is over: gives the estimate back if it called no model. */
  readonly ended: () => void;
}

/**
 * Per-key limits (Tenant.limits) at the edges of a request:
 * - after the key check (onRequest), every request of a limited key counts
 *   against its requests per minute, as OpenAI counts every request (reads
 *   of stored responses and pass-through calls too): one Redis script
 *   whichever route, and a refused request is refused before its body is
 *   read. A WebSocket upgrade is not counted: each of its turns is
 *   (admitTurn);
 * - before the handler (preHandler), a request of a model route reserves
 *   its estimated tokens (estimateTokens) against the token limits; each
 *   model call it makes (several in an MCP tool loop) settles from the
 *   upstream's usage as it ends (settleFromModelCalls). A pass-through
 *   POST with a body reserves its estimate too, whatever the body holds
 *   (passThroughTokens), and settles from its answer's usage (settlingAnswer).
 * Over a limit: OpenAI's 429 with `retry-after`. Every answer to a limited
 * key carries the `x-ratelimit-*` headers of the limits it has (set again
 * on send, so a pass-through answer's upstream headers do not replace them).
 */
export class RateLimits implements OnApplicationShutdown {
  private readonly headersOf = new ObjectSlot<
    FastifyRequest,
    Record<string, string>
  >('rate limit headers');
  /** The reservations of pass-through requests, settled from their answer. */
  private readonly passThrough = new ObjectSlot<
    FastifyRequest,
    TokenReservation
  >('pass-through reservation');

  /**
   * Whether the limits read this request's body whole (a pass-through POST
   * of a key with token limits): for the memory budget of request bodies.
   */
  static readsBody(this: void, request: FastifyRequest): boolean {
    return readsPassThroughBody(request);
  }

  constructor(
    private readonly store: GuardedLimitStore,
    private readonly metrics: RateLimitMetrics,
    private readonly options: RateLimitOptions,
  ) {}

  /** Adds the hooks; call it right after the key check's onRequest hook. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', this.countRequest);
    fastify.addHook('preHandler', this.reserveTokens);
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const headers = this.headersOf.get(request);
      if (headers !== undefined) {
        void reply.headers(headers);
      }
      done(null, this.settlePassThrough(request, reply, payload));
    });
  }

  /**
   * Admits one turn of a WebSocket of `tenant` as a POST /v1/responses of
   * its create body (`body`, `bodyBytes` long) would be: one request and its
   * estimated tokens, taken at once. The turn's model calls must run in
   * `context`: they settle the estimate from their usage.
   */
  async admitTurn(
    tenant: Tenant,
    turn: { body: unknown; bodyBytes: number },
    context: RequestContext,
  ): Promise<TurnLimitCheck> {
    if (!hasLimits(tenant.limits)) {
      return { ended: () => undefined };
    }
    const tokens = limitsTokens(tenant.limits)
      ? estimateTokens(
          turn.bodyBytes,
          turn.body,
          this.options.defaultOutputTokens,
        )
      : 0;
    const checked = await checkLimits(this.store, this.metrics, tenant, {
      requests: 1,
      tokens,
    });
    if (checked.refusal !== undefined) {
      return { refusal: checked.refusal, ended: () => undefined };
    }
    return {
      ended:
        checked.reservation === undefined
          ? () => undefined
          : settleFromModelCalls(this.store, context, checked.reservation),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  private readonly countRequest = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    const tenant = requestTenant(request);
    if (
      tenant === undefined ||
      !hasLimits(tenant.limits) ||
      isWebSocketUpgrade(request)
    ) {
      done();
      return;
    }
    this.take(request, reply, tenant, ONE_REQUEST, done);
  };

  private readonly reserveTokens = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    const tenant = requestTenant(request);
    if (tenant === undefined || !limitsTokens(tenant.limits)) {
      done();
    } else if (isModelRequest(request)) {
      const tokens = estimateTokens(
        declaredLength(request.headers),
        request.body,
        this.options.defaultOutputTokens,
      );
      this.take(request, reply, tenant, { requests: 0, tokens }, done);
    } else if (isPassThrough(request)) {
      this.reservePassThrough(request, reply, tenant, done);
    } else {
      done();
    }
  };

  /** Reserves the estimate of a pass-through POST with a body (passThroughTokens). */
  private reservePassThrough(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    done: HookHandlerDoneFunction,
  ): void {
    passThroughTokens(request, this.options.defaultOutputTokens).then(
      (tokens) => {
        if (tokens === undefined) {
          done();
          return;
        }
        this.take(request, reply, tenant, { requests: 0, tokens }, done);
      },
      (error: unknown) => {
        const { status, body } = toOpenAiError(normalizeError(error));
        void reply.code(status).send(body);
      },
    );
  }

  /** Takes `cost`; tells the quotas, and either continues or answers 429 (or 503). */
  private take(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    cost: LimitCost,
    done: HookHandlerDoneFunction,
  ): void {
    checkLimits(this.store, this.metrics, tenant, cost).then(
      ({ headers, refusal, reservation }) => {
        this.headersOf.set(request, headers);
        void reply.headers(headers);
        if (refusal !== undefined) {
          void reply
            .code(refusal.status)
            .headers(refusal.headers)
            .send(refusal.body);
          return;
        }
        if (reservation !== undefined) {
          this.settleLater(request, reply, reservation);
        }
        done();
      },
      (error: unknown) =>
        done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /**
   * A pass-through request settles from its answer (onSend); any other
   * from its model calls, giving the estimate back when the request ends
   * without one. A client that left during the check has no 'close' left to
   * wait for: that end is now.
   */
  private settleLater(
    request: FastifyRequest,
    reply: FastifyReply,
    reservation: TokenReservation,
  ): void {
    if (isPassThrough(request)) {
      this.passThrough.set(request, reservation);
      return;
    }
    const context = contextOf(request);
    if (context === undefined) {
      return;
    }
    const ended = settleFromModelCalls(this.store, context, reservation);
    if (reply.raw.destroyed) {
      ended();
    } else {
      reply.raw.once('close', ended);
    }
  }

  private settlePassThrough(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
  ): unknown {
    const reservation = this.passThrough.get(request);
    if (reservation === undefined) {
      return payload;
    }
    this.passThrough.delete(request);
    return settlingAnswer(
      reply,
      payload,
      this.options.maxAnswerBytes,
      (used) => void this.store.settle(reservation, used),
    );
  }
}
