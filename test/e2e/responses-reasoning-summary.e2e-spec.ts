import {
  Agent,
  run,
  setDefaultOpenAIClient,
  setTracingDisabled,
} from '@openai/agents';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { chunk, completion, usageChunk } from '../support/chat-chunks.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { checkStream } from '../../src/responses/core/stream-checker.test-support.js';

const MODEL = 'fake-model';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

/** The events of a reasoning item given as a summary, in OpenAI's order (§3.5). */
const SUMMARY_EVENTS = [
  'response.output_item.added',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_summary_part.done',
  'response.output_item.done',
];

function streamOf(...chunks: Record<string, unknown>[]): FakeReply {
  return {
    kind: 'stream',
    chunks: [...chunks, chunk({}, 'stop'), usageChunk(10, 20)],
  };
}

const reasoningContent = streamOf(
  chunk({ role: 'assistant', reasoning_content: 'First I think. ' }),
  chunk({ reasoning_content: 'Then I answer.' }),
  chunk({ content: 'The answer is 42.' }),
);

const thinkTags = streamOf(
  chunk({ role: 'assistant', content: '<think>First I think. ' }),
  chunk({ content: 'Then I answer.</think>' }),
  chunk({ content: 'The answer is 42.' }),
);

describe('reasoning summaries through the official openai client', () => {
  const harness = useGatewayWithUpstream();

  async function streamed(reply: FakeReply): Promise<{
    events: StreamEvent[];
    final: OpenAI.Responses.Response;
  }> {
    harness.upstream.enqueue(reply);
    const stream = harness.client.responses.stream({
      model: MODEL,
      input: 'Think, then answer',
      reasoning: { effort: 'low', summary: 'auto' },
    });
    const events: StreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
    }
    return { events, final: await stream.finalResponse() };
  }

  it.each([
    ['reasoning_content', reasoningContent],
    ['<think> tags', thinkTags],
  ])('streams the summary events in order from %s', async (_name, reply) => {
    const { events, final } = await streamed(reply);

    const types = events.map((event) => event.type);
    const start = types.indexOf('response.output_item.added');
    // A <think> block may come in other pieces: compare the deltas joined.
    const itemEnd = types.indexOf('response.output_item.done') + 1;
    const compact = types
      .slice(start, itemEnd)
      .filter(
        (type, index, all) =>
          type !== 'response.reasoning_summary_text.delta' ||
          all[index - 1] !== type,
      );
    expect(compact).toEqual(
      SUMMARY_EVENTS.filter(
        (type, index) => SUMMARY_EVENTS[index - 1] !== type,
      ),
    );
    expect(types).not.toContain('response.reasoning_text.delta');
    const deltas = events.filter(
      (event) => event.type === 'response.reasoning_summary_text.delta',
    );
    expect(deltas.map((event) => event.delta).join('')).toBe(
      'First I think. Then I answer.',
    );
    expect(final.output[0]).toEqual({
      id: expect.stringMatching(/^rs_/),
      type: 'reasoning',
      summary: [
        { type: 'summary_text', text: 'First I think. Then I answer.' },
      ],
    });
    expect(final.output_text).toBe('The answer is 42.');
    expect(final.reasoning).toEqual({ effort: 'low', summary: 'auto' });
    checkStream(events as never);
    expectSchemaValid(events, final);
  });

  it('gives the summary without streaming too', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({
        content: 'The answer is 42.',
        reasoning_content: 'First I think.',
      }),
    });
    const response = await harness.client.responses.create({
      model: MODEL,
      input: 'Think, then answer',
      reasoning: { summary: 'detailed' },
    });

    expect(response.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'First I think.' }],
    });
    expect(response.output[0]).not.toHaveProperty('content');
    expectSchemaValid([], response);
  });

  it('sends the summary back to the upstream as reasoning on the next turn', async () => {
    const { final } = await streamed(reasoningContent);
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'Sure.' }),
    });

    await harness.client.responses.create({
      model: MODEL,
      store: false,
      input: [
        { role: 'user', content: 'Think, then answer' },
        ...(final.output as OpenAI.Responses.ResponseInputItem[]),
        { role: 'user', content: 'And again?' },
      ],
    });

    const messages = harness.upstream.chatRequests[1]?.body.messages;
    expect(messages).toEqual([
      { role: 'user', content: 'Think, then answer' },
      {
        role: 'assistant',
        content: 'The answer is 42.',
        reasoning_content: 'First I think. Then I answer.',
      },
      { role: 'user', content: 'And again?' },
    ]);
  });

  it('sends the stored summary back through previous_response_id', async () => {
    const { final } = await streamed(reasoningContent);
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'Sure.' }),
    });

    await harness.client.responses.create({
      model: MODEL,
      previous_response_id: final.id,
      input: 'And again?',
    });

    expect(harness.upstream.chatRequests[1]?.body.messages).toContainEqual(
      expect.objectContaining({
        role: 'assistant',
        reasoning_content: 'First I think. Then I answer.',
      }),
    );
  });

  it('round-trips the summary once through an Agents SDK history', async () => {
    setTracingDisabled(true);
    setDefaultOpenAIClient(harness.client);
    harness.upstream.enqueue(
      {
        kind: 'json',
        body: completion({ content: '42.', reasoning_content: 'Think.' }),
      },
      { kind: 'json', body: completion({ content: 'Again 42.' }) },
    );
    const agent = new Agent({
      name: 'thinker',
      model: MODEL,
      modelSettings: { reasoning: { summary: 'auto' } },
    });

    const first = await run(agent, 'Think, then answer');
    await run(agent, [
      ...first.history,
      { role: 'user', content: 'And again?' },
    ]);

    const messages = harness.upstream.chatRequests[1]?.body.messages as {
      role: string;
      reasoning_content?: string;
    }[];
    expect(
      messages
        .filter((message) => message.role === 'assistant')
        .map((message) => message.reasoning_content),
    ).toEqual(['Think.']);
  });

  it('refuses a summary OpenAI does not offer with a 400', async () => {
    await expect(
      harness.client.responses.create({
        model: MODEL,
        input: 'hi',
        reasoning: { summary: 'short' as never },
      }),
    ).rejects.toMatchObject({
      status: 400,
      error: { param: 'reasoning.summary', code: 'invalid_request' },
    });
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });
});
