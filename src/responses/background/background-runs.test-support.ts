import { Subject, type Observable } from 'rxjs';
import type { Tenant } from '../../config/security/tenant.js';
import { InFlightRequests } from '../../lifecycle/in-flight-requests.service.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { CompactionSeal } from '../compact/compaction-seal.js';
import { singleRoundEvents } from '../response-stream.js';
import type {
  ResponseCallOptions,
  ResponsesService,
} from '../responses.service.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import type { ResponseStore } from '../store/response-store.js';
import { persistTurn } from '../store/turn-persistence.js';
import { TurnPreparationService } from '../turn-preparation.service.js';
import { failWhenStopped } from './background-turn.js';
import { BackgroundRuns } from './background-runs.service.js';
import {
  type BackgroundBackend,
  inMemoryBackgroundBackend,
} from './background.providers.js';
import { replayRun } from './background-replay.js';
import type { ResponseStreamItem } from '../core/text-delta-run.js';

export const KEY_A: Tenant = {
  id: 'key:aaaaaaaaaaaaaaaa',
  label: 'unnamed',
  hostedMcp: true,
  limits: {},
  metadata: {},
};

export const textChunk = (content: string, finish: string | null = null) =>
  ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  }) as ChatCompletionChunk;

/** An in-memory store whose saves fail while `down` is set (a store outage). */
class FlakyStore extends InMemoryResponseStore {
  down = false;

  override save(...args: Parameters<ResponseStore['save']>): Promise<void> {
    return this.down
      ? Promise.reject(new Error('the store is down'))
      : super.save(...args);
  }
}

/**
 * BackgroundRuns over a stand-in for ResponsesService.stream that drives
 * the real event machine from `upstream` (one Subject per turn), the way
 * the service does for a background run.
 */
export function setUpRuns(
  limits = { backgroundMaxRuns: 10, backgroundMaxRunsPerKey: 10 },
  backend: BackgroundBackend = inMemoryBackgroundBackend({
    maxEvents: 100,
    ttlSeconds: 60,
  }),
) {
  const store = new FlakyStore(100, 10_000_000);
  const turns = new TurnPreparationService(
    store,
    new CompactionSeal('a-long-enough-secret-value'),
  );
  const upstreams: Subject<ChatCompletionChunk>[] = [];
  const service = {
    stream: async (
      request: CreateResponseRequest,
      options: ResponseCallOptions,
    ): Promise<Observable<ResponseStreamItem>> => {
      const background = options.background!;
      const turn = await turns.prepare(request, { caller: options.tenant });
      await background.prepared(turn);
      const upstream = new Subject<ChatCompletionChunk>();
      upstreams.push(upstream);
      return singleRoundEvents(
        upstream.pipe(failWhenStopped(background.stop)),
        turn.machine,
        {
          startAtOnce: true,
          onTerminated: () =>
            background.storeFinal(() => persistTurn(turn, store, console)),
        },
      );
    },
  } as Pick<ResponsesService, 'stream'> as ResponsesService;
  const inFlight = new InFlightRequests();
  const runs = new BackgroundRuns(service, store, backend, limits, inFlight);
  const replay = (id: string, stillRunning = () => Promise.resolve(true)) =>
    new Promise<ResponseStreamEvent[]>((resolve, reject) => {
      const events: ResponseStreamEvent[] = [];
      replayRun(backend.log, id, -1, stillRunning).subscribe({
        next: (event) => events.push(event),
        error: reject,
        complete: () => resolve(events),
      });
    });
  return { store, backend, runs, upstreams, inFlight, replay };
}
