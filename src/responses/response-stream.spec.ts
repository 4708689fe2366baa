import { concat, from, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { textStream } from '../../test/support/chat-chunks.js';
import type { ChatCompletionChunk } from '../llm-client/chat-completion.types.js';
import type {
  ServerTool,
  ToolLoopEvent,
} from '../mcp/tool-loop/tool-loop.types.js';
import {
  machine,
  withItemIdsNumbered,
} from './core/machine-harness.test-support.js';
import { checkStream } from './core/stream-checker.test-support.js';
import {
  responseEvents,
  singleRound,
  singleRoundEvents,
} from './response-stream.js';

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
  it('gives what responseEvents gives for the same round, text arriving as bare strings', async () => {
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
        ? content
        : chunk;
    });
    expect(lane.filter((item) => typeof item === 'string')).not.toHaveLength(0);
    const viaLoop = await lastValueFrom(
      responseEvents(singleRound(from(round)), machine()).pipe(toArray()),
    );
    const viaLane = await lastValueFrom(
      singleRoundEvents(from(lane), machine()).pipe(toArray()),
    );
    expect(withItemIdsNumbered(viaLane)).toBe(withItemIdsNumbered(viaLoop));
    checkStream(viaLane);
  });

  it('ends in response.failed when the round fails after its first item', async () => {
    const events = await lastValueFrom(
      singleRoundEvents(
        concat(
          of('Hi'),
          throwError(() => new Error('lost')),
        ),
        machine(),
      ).pipe(toArray()),
    );
    expect(events.at(-1)).toMatchObject({ type: 'response.failed' });
    checkStream(events);
  });
});
