import {
  concat,
  from,
  lastValueFrom,
  of,
  Subject,
  throwError,
  toArray,
} from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { TextDelta, TextRun } from '../llm-client/decoder/stream-items.js';
import {
  expandedEvents,
  expandTextRuns,
  TextDeltaRun,
} from './core/text-delta-run.js';
import { textStream } from '../../test/support/chat-chunks.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import type {
  ServerTool,
  ToolLoopEvent,
} from '../mcp/tool-loop/tool-loop.types.js';
import {
  machine,
  withItemIdsNumbered,
} from '../../test/support/machine-harness.js';
import type { ResponseEventMachine } from './core/response-event-machine.js';
import { checkStream } from './core/stream-checker.test-support.js';
import {
  responseEvents,
  singleRound,
  singleRoundEvents,
} from './response-stream.js';
import { InMemoryResponseStore } from './store/in-memory-response.store.js';

const tool: ServerTool = {
  exposedName: 'get-sum',
  serverLabel: 'everything',
  toolName: 'get-sum',
  requiresApproval: false,
  call: () => Promise.reject(new Error('not called here')),
};
const call = { id: 'call_1', name: 'get-sum', arguments: '{"a":1}', tool };
const chunks = (round: number, pieces: string[]): ToolLoopEvent[] =>
  (textStream(pieces) as ChatCompletionChunk[]).map((chunk) => ({
    type: 'chunk',
    round,
    chunk,
  }));
const listing = {
  serverLabel: 'everything',
  tools: [
    {
      server: 'everything',
      tool: 'get-sum',
      description: 'Adds',
      inputSchema: { type: 'object' },
    },
  ],
};

describe(responseEvents.name, () => {
  it('lists the tools first, then each round and call in order', async () => {
    const events = await lastValueFrom(
      responseEvents(
        from<ToolLoopEvent[]>([
          ...chunks(1, ['Adding. ']),
          { type: 'tool_call_started', call },
          {
            type: 'tool_call_finished',
            call,
            result: { isError: false, text: '2', images: [], raw: null },
          },
          ...chunks(2, ['Two.']),
          { type: 'finished', reason: 'answer', finishReason: 'stop' },
        ]),
        machine(),
        { listings: [listing] },
      ).pipe(toArray()),
    );

    const { final } = checkStream(events);
    expect(
      (final['output'] as { type: string }[]).map((item) => item.type),
    ).toEqual(['mcp_list_tools', 'message', 'mcp_call', 'message']);
    expect((final['output'] as Record<string, unknown>[])[0]).toMatchObject({
      tools: [
        {
          name: 'get-sum',
          description: 'Adds',
          input_schema: { type: 'object' },
          annotations: null,
        },
      ],
    });
    expect(final['usage']).toMatchObject({ total_tokens: 60 });
  });

  it('fails as an Observable error before the first event, as response.failed after it', async () => {
    const before = responseEvents(
      throwError(() => new Error('down')),
      machine(),
    );
    await expect(lastValueFrom(before)).rejects.toThrow('down');

    const after = await lastValueFrom(
      responseEvents(
        concat(
          of(...chunks(1, ['Hi'])),
          throwError(() => new Error('lost')),
        ),
        machine(),
      ).pipe(toArray()),
    );
    expect(after.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed' },
    });
  });
});

describe(singleRoundEvents.name, () => {
  it('gives what responseEvents gives for the same round, text arriving as TextDeltas', async () => {
    const round = textStream(['Hel', 'lo', ' there']) as ChatCompletionChunk[];
    // The text lane's view of the same stream: plain text chunks as their
    // content, everything else (the role chunk, the finish, usage) whole.
    const lane = round.map((chunk, index) => {
      const choice = chunk.choices[0];
      const content = choice?.delta.content;
      return index > 0 &&
        typeof content === 'string' &&
        !choice?.finish_reason &&
        !chunk.usage
        ? new TextDelta(content)
        : chunk;
    });
    expect(lane.filter((item) => item instanceof TextDelta)).not.toHaveLength(
      0,
    );
    const viaLoop = await lastValueFrom(
      responseEvents(singleRound(from(round)), machine()).pipe(toArray()),
    );
    const viaLane = await lastValueFrom(
      singleRoundEvents(from(lane), machine()).pipe(
        expandTextRuns(),
        toArray(),
      ),
    );
    expect(withItemIdsNumbered(viaLane)).toBe(withItemIdsNumbered(viaLoop));
    checkStream(viaLane);
    // The same deltas read together, as the lane's textRuns() joins them.
    const deltas = lane.filter((item) => item instanceof TextDelta);
    const joined = [
      ...lane.filter((item) => !(item instanceof TextDelta)).slice(0, 1),
      new TextRun(deltas.map((delta) => delta.text)),
      ...lane.filter((item) => !(item instanceof TextDelta)).slice(1),
    ];
    const viaRun = await lastValueFrom(
      singleRoundEvents(from(joined), machine()).pipe(toArray()),
    );
    expect(viaRun.some((item) => item instanceof TextDeltaRun)).toBe(true);
    expect(withItemIdsNumbered(expandedEvents(viaRun))).toBe(
      withItemIdsNumbered(viaLoop),
    );
  });

  it('ends in response.failed when the round fails after its first item', async () => {
    const events = await lastValueFrom(
      singleRoundEvents(
        concat(
          of(new TextDelta('Hi')),
          throwError(() => new Error('lost')),
        ),
        machine(),
      ).pipe(expandTextRuns(), toArray()),
    );
    expect(events.at(-1)).toMatchObject({ type: 'response.failed' });
    checkStream(events);
  });
});

describe('storing the response', () => {
  /** A store that counts its saves, and the onTerminated that saves into it. */
  function countingStore() {
    const store = new InMemoryResponseStore(10);
    const saves = vi.spyOn(store, 'save');
    const onTerminated = (done: ResponseEventMachine) =>
      store.save({ response: done.response, history: [], inputItems: [] });
    return { saves, onTerminated };
  }

  it('saves a tool-loop turn with an MCP call exactly once', async () => {
    const { saves, onTerminated } = countingStore();
    const events = await lastValueFrom(
      responseEvents(
        from<ToolLoopEvent[]>([
          ...chunks(1, ['Adding. ']),
          { type: 'tool_call_started', call },
          {
            type: 'tool_call_finished',
            call,
            result: { isError: false, text: '2', images: [], raw: null },
          },
          ...chunks(2, ['Two.']),
          { type: 'finished', reason: 'answer', finishReason: 'stop' },
        ]),
        machine(),
        { listings: [listing], onTerminated },
      ).pipe(toArray()),
    );
    expect(saves).toHaveBeenCalledTimes(1);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed' });
    checkStream(events);
  });

  it('saves a plain turn exactly once, through the loop events or the text lane', async () => {
    const round = textStream(['Hel', 'lo']) as ChatCompletionChunk[];
    const viaLoop = countingStore();
    await lastValueFrom(
      responseEvents(singleRound(from(round)), machine(), viaLoop),
    );
    const viaLane = countingStore();
    await lastValueFrom(singleRoundEvents(from(round), machine(), viaLane));
    expect(viaLoop.saves).toHaveBeenCalledTimes(1);
    expect(viaLane.saves).toHaveBeenCalledTimes(1);
  });
});

describe('the early keepalive (onWaiting)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Drives a response from `source` with a 1-s interval; counts the waits. */
  function drive(source: Subject<ToolLoopEvent>) {
    const sut = { waits: 0 };
    const all = lastValueFrom(
      responseEvents(source, machine(), {
        keepaliveIntervalMs: 1_000,
        onWaiting: () => (sut.waits += 1),
      }).pipe(toArray()),
    );
    return { sut, all };
  }

  it('is called each interval until response.created, and never after', async () => {
    const source = new Subject<ToolLoopEvent>();
    const { sut, all } = drive(source);
    vi.advanceTimersByTime(2_500);
    expect(sut.waits).toBe(2);
    chunks(1, ['Hi']).forEach((event) => source.next(event));
    vi.advanceTimersByTime(5_000);
    source.complete();
    expect(sut.waits).toBe(2);
    const events = await all;
    expect(events[0]).toMatchObject({ type: 'response.created' });
    checkStream(events);
  });

  it('turns a failure after it into response.created, then response.failed', async () => {
    const source = new Subject<ToolLoopEvent>();
    const { sut, all } = drive(source);
    vi.advanceTimersByTime(1_000);
    expect(sut.waits).toBe(1);
    source.error(
      new GatewayException('upstream_error', 'slow down', { status: 429 }),
    );
    const events = await all;
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    expect(events.at(-1)).toMatchObject({
      response: {
        error: { code: 'rate_limit_exceeded', message: 'slow down' },
      },
    });
    checkStream(events);
  });

  it('leaves a failure before the first interval an Observable error', async () => {
    const source = new Subject<ToolLoopEvent>();
    const { sut, all } = drive(source);
    source.error(new Error('down'));
    await expect(all).rejects.toThrow('down');
    expect(sut.waits).toBe(0);
  });
});
