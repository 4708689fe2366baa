import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { chunk, completion, usageChunk } from '../support/chat-chunks.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { anthropicClient, streamMessage } from '../support/messages-sdk.js';

const MODEL = 'fake-model';

/** A finish chunk carrying the backend's own stop field (vLLM `stop_reason`, SGLang `matched_stop`). */
function finishWith(field: string, value: unknown): Record<string, unknown> {
  return {
    ...chunk({}),
    choices: [
      {
        index: 0,
        delta: {},
        logprobs: null,
        finish_reason: 'stop',
        [field]: value,
      },
    ],
  };
}

function stoppedStream(field: string, value: unknown): FakeReply {
  return {
    kind: 'stream',
    chunks: [
      chunk({ role: 'assistant', content: 'one two ' }),
      finishWith(field, value),
      usageChunk(),
    ],
  };
}

/**
 * stop_reason `stop_sequence` needs the backend to say which string it
 * stopped at (vLLM's `stop_reason`, SGLang's `matched_stop` in the choice),
 * and that string to be one the client asked for.
 */
describe('/v1/messages stop reasons through the Anthropic SDK', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => anthropicClient(harness.gateway);
  const upstreamBody = (): Record<string, unknown> =>
    harness.upstream.chatRequests[0]!.body as Record<string, unknown>;
  const ask = (extra: Partial<Anthropic.MessageCreateParamsNonStreaming>) =>
    client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    });

  const stops = { stop_sequences: ['END', '###'] };

  it.each([
    ['vLLM stop_reason', 'stop_reason'],
    ['SGLang matched_stop', 'matched_stop'],
  ])(
    'a %s the client asked for → stop_sequence (streamed)',
    async (_name, field) => {
      harness.upstream.enqueue(stoppedStream(field, 'END'));
      const { message } = await streamMessage(client(), {
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'count' }],
        ...stops,
      });
      expect(message).toMatchObject({
        stop_reason: 'stop_sequence',
        stop_sequence: 'END',
      });
      expect(message.content).toEqual([{ type: 'text', text: 'one two ' }]);
      expect(upstreamBody()['stop']).toEqual(['END', '###']);
    },
  );

  it('a vLLM stop_reason → stop_sequence (not streamed)', async () => {
    const body = completion({ content: 'one two ' }) as {
      choices: Record<string, unknown>[];
    };
    body.choices[0]!['stop_reason'] = '###';
    harness.upstream.enqueue({ kind: 'json', body });
    const message = await ask(stops);
    expect(message).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
    });
  });

  it.each([
    ['a stop token id', 151645],
    ['a string the client did not ask for', 'STOP'],
  ])('%s → end_turn', async (_name, value) => {
    harness.upstream.enqueue(stoppedStream('stop_reason', value));
    const { message } = await streamMessage(client(), {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'count' }],
      ...stops,
    });
    expect(message).toMatchObject({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
  });

  it('finish_reason length → max_tokens', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'one' }, 'length'),
    });
    expect((await ask({})).stop_reason).toBe('max_tokens');
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [chunk({ content: 'one' }), chunk({}, 'length'), usageChunk()],
    });
    const { message } = await streamMessage(client(), {
      model: MODEL,
      max_tokens: 1,
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(message.stop_reason).toBe('max_tokens');
  });
});
