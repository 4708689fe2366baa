import { Logger } from '@nestjs/common';
import { firstValueFrom, of, toArray } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import type { LlmClientService } from '../llm-client/llm-client.service.js';
import type { UpstreamCallOptions } from '../llm-client/upstream-call.types.js';
import type {
  RoutedModel,
  UpstreamRouter,
} from '../llm-client/upstream-router.service.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { UpstreamChunk } from '../llm-client/decoder/stream-items.js';
import {
  chunkLane,
  upstreamChunkLane,
} from '../llm-client/decoder/stream-lanes.js';
import { EXAMPLE_TOOLS } from '../tool-calls/text-tool-call-examples.test-support.js';
import { ModelCallService } from './model-call.service.js';

const CALL_TEXT =
  '<tool_call>{"name": "get_time", "arguments": {"tz": "UTC"}}</tool_call>';

function chunk(
  content: string | undefined,
  finish: string | null = null,
): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        delta: content === undefined ? {} : { content },
        finish_reason: finish,
      },
    ],
  };
}

/** Stands for the upstream's JSON text of `c`. */
const rawOf = (c: ChatCompletionChunk): string => `raw ${JSON.stringify(c)}`;

function completion(content: string): ChatCompletion {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
      },
    ],
  };
}

describe(ModelCallService.name, () => {
  const target: UpstreamTarget = { name: 'b', baseUrl: 'http://b/v1' };
  let routed: RoutedModel;
  let route: ReturnType<typeof vi.fn>;
  let sent: { body: ChatCompletionRequest; options: UpstreamCallOptions }[];
  let upstreamChunks: ChatCompletionChunk[];
  let upstreamCompletion: ChatCompletion;
  let sut: ModelCallService;

  beforeEach(() => {
    routed = {
      target,
      model: 'qwen3-8b',
      toolCallFormat: 'auto',
      supportsToolRole: true,
    };
    route = vi.fn(() => routed);
    sent = [];
    upstreamChunks = [chunk(CALL_TEXT), chunk(undefined, 'stop')];
    upstreamCompletion = completion(CALL_TEXT);
    const stream = (
      body: ChatCompletionRequest,
      options: UpstreamCallOptions,
    ) => {
      sent.push({ body, options });
      return of(...upstreamChunks.map((c) => new UpstreamChunk(c, rawOf(c))));
    };
    const llm = {
      streamChat: stream,
      createChatCompletion: (
        body: ChatCompletionRequest,
        options: UpstreamCallOptions,
      ) => {
        sent.push({ body, options });
        return Promise.resolve(upstreamCompletion);
      },
    };
    sut = new ModelCallService(
      llm as unknown as LlmClientService,
      { route } as unknown as UpstreamRouter,
    );
  });

  const request = (extra: Partial<ChatCompletionRequest> = {}) => ({
    model: 'b/qwen3-8b',
    messages: [{ role: 'user', content: 'hi' }],
    tools: EXAMPLE_TOOLS,
    ...extra,
  });
  const streamed = (req: ChatCompletionRequest) =>
    firstValueFrom(
      sut.stream(req, { upstreamName: 'b' }, chunkLane).pipe(toArray()),
    );

  it('routes, then sends the upstream model id to the routed target', async () => {
    const headers = { authorization: 'Bearer client' };
    await sut.complete(request(), { upstreamName: 'b', headers });
    expect(route).toHaveBeenCalledWith('b/qwen3-8b', 'b');
    expect(sent[0]!.body.model).toBe('qwen3-8b');
    expect(sent[0]!.options).toMatchObject({ target, headers });
  });

  it('routes a stream only when it is subscribed', async () => {
    const stream$ = sut.stream(request(), {}, chunkLane);
    expect(route).not.toHaveBeenCalled();
    await firstValueFrom(stream$.pipe(toArray()));
    expect(route).toHaveBeenCalledTimes(1);
  });

  it('turns text tool calls into tool_calls when tools are declared', async () => {
    const chunks = await streamed(request());
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]?.function?.name).toBe('get_time');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    const done = await sut.complete(request(), {});
    expect(done.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: 'get_time',
      arguments: '{"tz":"UTC"}',
    });
  });

  it("keeps a chunk's upstream text only where the text parser let it through unchanged", async () => {
    upstreamChunks = [
      chunk('Hi. '),
      chunk(CALL_TEXT),
      chunk(undefined, 'stop'),
    ];
    const pairs = await firstValueFrom(
      sut.stream(request(), {}, upstreamChunkLane).pipe(toArray()),
    );
    expect(pairs[0]).toStrictEqual(
      new UpstreamChunk(upstreamChunks[0]!, rawOf(upstreamChunks[0]!)),
    );
    const rebuilt = pairs.slice(1);
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(rebuilt.every((pair) => pair.raw === undefined)).toBe(true);
  });

  it('passes the upstream answer through when no tools are declared', async () => {
    const chunks = await streamed(request({ tools: undefined }));
    expect(chunks).toEqual(upstreamChunks);
    chunks.forEach((c, i) => expect(c).toBe(upstreamChunks[i]));
    expect(await sut.complete(request({ tools: [] }), {})).toBe(
      upstreamCompletion,
    );
  });

  it('passes the answer through when the declared tools are malformed', async () => {
    const hostile = request({ tools: [null, 'x'] as unknown as [] });
    expect(await sut.complete(hostile, {})).toBe(upstreamCompletion);
    const odd = request({ tools: 'x' as unknown as [] });
    expect(await streamed(odd)).toEqual(upstreamChunks);
  });

  it('does not parse with tool_choice "none" or format "none"', async () => {
    expect(await sut.complete(request({ tool_choice: 'none' }), {})).toBe(
      upstreamCompletion,
    );
    routed = { ...routed, toolCallFormat: 'none' };
    expect(await sut.complete(request(), {})).toBe(upstreamCompletion);
  });

  it('falls back to auto for an unknown format, reporting it once', async () => {
    const reported = vi
      .spyOn(Logger.prototype, 'error')
      .mockImplementation(() => undefined);
    routed = { ...routed, toolCallFormat: 'no-such-family' };
    for (let i = 0; i < 2; i++) {
      const done = await sut.complete(request(), {});
      expect(done.choices[0]?.finish_reason).toBe('tool_calls');
    }
    expect(reported).toHaveBeenCalledTimes(1);
    reported.mockRestore();
  });

  it('surfaces a routing error as a stream error', async () => {
    route.mockImplementation(() => {
      throw new Error('no upstream');
    });
    await expect(streamed(request())).rejects.toThrow('no upstream');
  });
});
