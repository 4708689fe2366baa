import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { currentRequest } from '../../common/logging/request-context.js';
import { responsesConfig } from '../../config/responses.config.js';
import type { Tenant } from '../../config/security/tenant.js';
import { gracePeriodOverError } from '../../lifecycle/grace-end.js';
import { InFlightRequests } from '../../lifecycle/in-flight-requests.service.js';
import type { Observable } from 'rxjs';
import type {
  CreateResponseRequest,
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import {
  type ResponseCallOptions,
  ResponsesService,
} from '../responses.service.js';
import { RESPONSE_STORE, type ResponseStore } from '../store/response-store.js';
import {
  BACKGROUND_BACKEND,
  type BackgroundBackend,
} from './background.providers.js';
import { BackgroundRun, type RunDeps } from './background-run.js';
import { expandTextRuns } from '../core/text-delta-run.js';

/** Seconds a client refused for too many background runs is told to wait. */
const RETRY_AFTER_SECONDS = 1;

/**
 * The background responses this replica runs (its run registry): starts
 * them detached from their request, bounded per replica
 * (BACKGROUND_MAX_RUNS) and per key (BACKGROUND_MAX_RUNS_PER_KEY), and
 * cancels them. A shutdown waits for them like for requests; at its grace
 * end they fail (their stream's failAtGraceEnd) and are stored `failed`.
 */
@Injectable()
export class BackgroundRuns
  implements BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(BackgroundRuns.name);
  /** The runs of this replica, by response id: each one's end, and how to stop it. */
  private readonly runs = new Map<
    string,
    { done: Promise<void>; stopper: AbortController }
  >();
  /** Runs started or starting, in all and per tenant id. */
  private total = 0;
  private readonly perTenant = new Map<string, number>();
  private readonly deps: RunDeps;

  constructor(
    private readonly service: ResponsesService,
    @Inject(RESPONSE_STORE) store: ResponseStore,
    @Inject(BACKGROUND_BACKEND) private readonly backend: BackgroundBackend,
    @Inject(responsesConfig.KEY)
    private readonly limits: Pick<
      ConfigType<typeof responsesConfig>,
      'backgroundMaxRuns' | 'backgroundMaxRunsPerKey'
    >,
    private readonly inFlight: InFlightRequests,
  ) {
    this.deps = {
      store,
      log: backend.log,
      coordination: backend.coordination,
      logger: this.logger,
    };
  }

  /**
   * Prepares and stores the turn `queued` (its errors are the request's),
   * then runs it detached; resolves with the queued response.
   */
  async start(
    request: CreateResponseRequest,
    options: ResponseCallOptions,
  ): Promise<ResponseObject> {
    const releaseSlot = this.takeSlot(options.tenant);
    try {
      const stopper = new AbortController();
      let run: BackgroundRun | undefined;
      const events$ = await this.service.stream(request, {
        ...options,
        background: {
          stop: stopper.signal,
          prepared: async (turn) => {
            run = await BackgroundRun.begin(turn, this.deps, stopper);
          },
          storeFinal: (save) => run?.storeFinal(save) ?? Promise.resolve(),
        },
      });
      // stream() resolves only after prepared() did.
      if (run === undefined) {
        throw new Error('the background turn was never prepared');
      }
      return this.detach(
        run,
        events$.pipe(expandTextRuns()),
        releaseSlot,
        stopper,
      );
    } catch (error) {
      releaseSlot();
      throw error;
    }
  }

  /** When this replica runs `id`: resolves once the run ended and let go. */
  whenEnded(id: string): Promise<void> | undefined {
    return this.runs.get(id)?.done;
  }

  /**
   * Fails the runs still going (a drain's grace end normally did already:
   * this is for a close without one) and waits until they are stored,
   * before any store closes (onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const running = [...this.runs.values()];
    for (const { stopper } of running) {
      stopper.abort(gracePeriodOverError());
    }
    await Promise.all(running.map(({ done }) => done));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close();
  }

  private detach(
    run: BackgroundRun,
    events$: Observable<ResponseStreamEvent>,
    releaseSlot: () => void,
    stopper: AbortController,
  ): ResponseObject {
    const releaseHold = this.inFlight.hold();
    const done = run.run(events$).finally(() => {
      this.runs.delete(run.id);
      releaseSlot();
      releaseHold();
    });
    this.runs.set(run.id, { done, stopper });
    // The request's token reservation settles from the run's model calls.
    const context = currentRequest();
    if (context !== undefined) {
      context.detachedWork = done;
    }
    return run.queued;
  }

  /** Counts one more run of `tenant`; throws the 429 when a cap is reached. */
  private takeSlot(tenant: Tenant | undefined): () => void {
    const key = tenant?.id;
    const ofTenant = key === undefined ? 0 : (this.perTenant.get(key) ?? 0);
    if (this.total >= this.limits.backgroundMaxRuns) {
      throw tooManyRuns('this gateway replica', this.limits.backgroundMaxRuns);
    }
    if (key !== undefined && ofTenant >= this.limits.backgroundMaxRunsPerKey) {
      throw tooManyRuns('this key', this.limits.backgroundMaxRunsPerKey);
    }
    this.total++;
    if (key !== undefined) {
      this.perTenant.set(key, ofTenant + 1);
    }
    let held = true;
    return () => {
      if (!held) {
        return;
      }
      held = false;
      this.total--;
      if (key !== undefined) {
        const left = (this.perTenant.get(key) ?? 1) - 1;
        if (left === 0) {
          this.perTenant.delete(key);
        } else {
          this.perTenant.set(key, left);
        }
      }
    };
  }
}

/** The 429 over a cap of concurrent background runs, shaped as OpenAI's rate limits. */
function tooManyRuns(whose: string, cap: number): GatewayException {
  const message = `Too many background responses running for ${whose} (at most ${cap} at once). Try again once one has finished.`;
  return new GatewayException('upstream_error', message, {
    status: 429,
    openAiCode: 'rate_limit_exceeded',
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    upstreamBody: {
      error: {
        message,
        type: 'requests',
        param: 'background',
        code: 'rate_limit_exceeded',
      },
    },
  });
}
