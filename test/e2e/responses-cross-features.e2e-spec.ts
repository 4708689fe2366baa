import type OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { checkStream } from '../../src/responses/core/stream-checker.test-support.js';
import {
  chunk,
  completion,
  textStream,
  usageChunk,
} from '../support/chat-chunks.js';
import { textOf, userMessage } from '../support/conversation-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectValidResponse,
  expectValidStreamEvents,
} from '../support/openapi-schemas.js';
import { waitUntil } from '../support/wait-until.js';

const MODEL = 'fake-model';

/** A gate a test opens: the fake upstream holds its answer until then. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const until = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { until, open };
}

async function eventsOf(
  stream: AsyncIterable<ResponseStreamEvent>,
): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

/** Background responses, conversations and reasoning summaries together. */
describe('Responses features combined (#21)', () => {
  const harness = useGatewayWithUpstream();

  async function finished(id: string): Promise<OpenAI.Responses.Response> {
    let response = await harness.client.responses.retrieve(id);
    await waitUntil(
      async () => {
        response = await harness.client.responses.retrieve(id);
        return (
          response.status !== 'queued' && response.status !== 'in_progress'
        );
      },
      () => `response ${id} is still ${response.status}`,
    );
    return response;
  }

  async function itemTexts(conversationId: string): Promise<string[]> {
    const texts: string[] = [];
    for await (const item of harness.client.conversations.items.list(
      conversationId,
      { order: 'asc' },
    )) {
      texts.push(textOf(item));
    }
    return texts;
  }

  it('appends a background turn to its conversation once it completes', async () => {
    const { client, upstream } = harness;
    upstream.enqueue({ kind: 'stream', chunks: textStream(['Hi ', 'Ada.']) });
    const conversation = await client.conversations.create({
      items: [userMessage('I like tea.')],
    });
    const queued = await client.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'My name is Ada.',
      background: true,
    });
    expect(queued.conversation).toEqual({ id: conversation.id });
    const done = await finished(queued.id);
    expect(done.status).toBe('completed');
    expectValidResponse(done);
    expect(await itemTexts(conversation.id)).toEqual([
      'I like tea.',
      'My name is Ada.',
      'Hi Ada.',
    ]);
  });

  it('appends nothing for a cancelled background turn', async () => {
    const { client, upstream } = harness;
    const held = gate();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const conversation = await client.conversations.create({
      items: [userMessage('I like tea.')],
    });
    const queued = await client.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'Say hello.',
      background: true,
    });
    await waitUntil(
      async () =>
        (await client.responses.retrieve(queued.id)).status === 'in_progress',
      () => 'never in progress',
    );
    const cancelled = await client.responses.cancel(queued.id);
    expect(cancelled.status).toBe('cancelled');
    held.open();
    await upstream.waitForAborts(1);
    expect(await itemTexts(conversation.id)).toEqual(['I like tea.']);
  });

  it('replays a background turn with a reasoning summary: every event validates', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', reasoning_content: 'First I think. ' }),
        chunk({ reasoning_content: 'Then I answer.' }),
        chunk({ content: 'The answer is 42.' }),
        chunk({}, 'stop'),
        usageChunk(10, 20),
      ],
    });
    const queued = await harness.client.responses.create({
      model: MODEL,
      input: 'Think, then answer',
      reasoning: { effort: 'low', summary: 'auto' },
      background: true,
    });
    const done = await finished(queued.id);
    expect(done.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [
        { type: 'summary_text', text: 'First I think. Then I answer.' },
      ],
    });
    const replay = await eventsOf(
      await harness.client.responses.retrieve(queued.id, { stream: true }),
    );
    expectValidStreamEvents(replay);
    expect(checkStream(replay as never).final).toMatchObject({
      status: 'completed',
      output: done.output,
    });
    expect(replay.map((e) => e.type)).toContain(
      'response.reasoning_summary_text.delta',
    );
  });

  it('pages every item of a long conversation with the SDK, and stops', async () => {
    const { client } = harness;
    const texts = Array.from({ length: 7 }, (_, i) => `item ${i}`);
    const conversation = await client.conversations.create({
      items: texts.map(userMessage),
    });
    const seen: string[] = [];
    for await (const item of client.conversations.items.list(conversation.id, {
      order: 'asc',
      limit: 2,
    })) {
      seen.push(textOf(item));
      expect(seen.length).toBeLessThanOrEqual(texts.length);
    }
    expect(seen).toEqual(texts);
  });

  it('a conversation deleted while its streamed turn runs: the stored response agrees with the stream', async () => {
    const { client, upstream } = harness;
    const held = gate();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const conversation = await client.conversations.create({});
    const stream = client.responses.stream({
      model: MODEL,
      conversation: conversation.id,
      input: 'Say hello.',
    });
    const events: ResponseStreamEvent[] = [];
    let deleted = false;
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'response.output_text.delta' && !deleted) {
        deleted = true;
        await client.conversations.delete(conversation.id);
        held.open();
      }
    }
    const last = events[events.length - 1]!;
    expect(last.type).toBe('response.failed');
    const id = (last as { response: { id: string } }).response.id;
    const stored = await client.responses.retrieve(id);
    expect(stored.status).toBe('failed');
  });

  it('a background turn whose conversation was deleted meanwhile ends failed, its replay too', async () => {
    const { client, upstream } = harness;
    const held = gate();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const conversation = await client.conversations.create({});
    const queued = await client.responses.create({
      model: MODEL,
      conversation: conversation.id,
      input: 'Say hello.',
      background: true,
    });
    await waitUntil(
      async () =>
        (await client.responses.retrieve(queued.id)).status === 'in_progress',
      () => 'never in progress',
    );
    await client.conversations.delete(conversation.id);
    held.open();
    const done = await finished(queued.id);
    expect(done.status).toBe('failed');
    expectValidResponse(done);
    const replay = await eventsOf(
      await client.responses.retrieve(queued.id, { stream: true }),
    );
    expectValidStreamEvents(replay);
    expect(checkStream(replay as never).final).toMatchObject({
      status: 'failed',
    });
  });

  it('refuses to continue a background response still running (400 on previous_response_id)', async () => {
    const { client, upstream } = harness;
    const held = gate();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const first = await client.responses.create({
      model: MODEL,
      input: 'Say hello.',
      background: true,
    });
    const early = await refusal(
      client.responses.create({
        model: MODEL,
        previous_response_id: first.id,
        input: 'Again.',
      }),
    );
    expect(early).toMatchObject({
      status: 400,
      error: { param: 'previous_response_id' },
    });
    held.open();
    await finished(first.id);
    upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'Second.' }),
    });
    await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: 'Again.',
    });
    const sent = JSON.stringify(upstream.chatRequests[1]!.body.messages);
    expect(sent).toContain('Hello, world');
  });
});
