import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { checkStream } from '../../src/responses/core/stream-checker.test-support.js';
import { refusal } from '../support/api-refusal.js';
import { textStream } from '../support/chat-chunks.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectValidResponse,
  expectValidStreamEvents,
} from '../support/openapi-schemas.js';
import { waitUntil } from '../support/wait-until.js';

const KEY_A = 'sk-background-a-0001';
const KEY_B = 'sk-background-b-0002';
const MODEL = 'fake-model';

/** A gate a test opens: the fake upstream holds its answer until then. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const until = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { until, open };
}

/** Every event of a stream, in order. */
async function eventsOf(
  stream: AsyncIterable<ResponseStreamEvent>,
): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

describe('background responses (background: true)', () => {
  const harness = useGatewayWithUpstream({
    env: { GATEWAY_API_KEYS: `${KEY_A},${KEY_B}` },
    apiKey: KEY_A,
  });
  const clientFor = (apiKey: string): OpenAI =>
    new OpenAI({
      baseURL: `${harness.gateway.url}/v1`,
      apiKey,
      maxRetries: 0,
    });

  /** Polls retrieve until the response left queued and in_progress. */
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

  /** Starts a background response whose upstream holds after its first chunks until `held` opens. */
  async function heldResponse(held: {
    until: Promise<void>;
  }): Promise<OpenAI.Responses.Response> {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    return harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      background: true,
    });
  }

  /** Waits until the run has streamed its first text delta. */
  async function untilTextStarted(id: string): Promise<void> {
    await waitUntil(
      async () => {
        const events = await eventsUntil(id, 'response.output_text.delta');
        return events.some((e) => e.type === 'response.output_text.delta');
      },
      () => `response ${id} streamed no text`,
    );
  }

  /** The kept events up to the first of `type` (the replay is cut there). */
  async function eventsUntil(
    id: string,
    type: string,
  ): Promise<ResponseStreamEvent[]> {
    const controller = new AbortController();
    const stream = await harness.client.responses.retrieve(
      id,
      { stream: true },
      { signal: controller.signal },
    );
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === type) {
        controller.abort();
        break;
      }
    }
    return events;
  }

  it('answers queued at once, then polls to completed; the replay is the whole stream', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
    });
    const queued = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      background: true,
    });
    expect(queued).toMatchObject({ status: 'queued', background: true });
    expectValidResponse(queued);
    const done = await finished(queued.id);
    expect(done).toMatchObject({ status: 'completed', background: true });
    expect(done.output_text).toBe('Hello, world');
    expectValidResponse(done);
    const replay = await eventsOf(
      await harness.client.responses.retrieve(queued.id, { stream: true }),
    );
    expectValidStreamEvents(replay);
    const checked = checkStream(replay as never);
    expect(checked.final).toMatchObject({ id: queued.id, status: 'completed' });
    // starting_after N: exactly the events after N, in order.
    const after = await eventsOf(
      await harness.client.responses.retrieve(queued.id, {
        stream: true,
        starting_after: 3,
      }),
    );
    expect(after).toEqual(replay.slice(4));
  });

  it('streams a background create; a client that leaves does not stop the run', async () => {
    const held = gate();
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const controller = new AbortController();
    const stream = await harness.client.responses.create(
      { model: MODEL, input: 'hi', background: true, stream: true },
      { signal: controller.signal },
    );
    let id = '';
    for await (const event of stream) {
      if (event.type === 'response.created') {
        id = event.response.id;
      }
      if (event.type === 'response.output_text.delta') {
        controller.abort();
        break;
      }
    }
    expect(id).toMatch(/^resp_/);
    held.open();
    const done = await finished(id);
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe('Hello, world');
    expect(harness.upstream.abortCount).toBe(0);
  });

  it('replays live: the events after starting_after, then the ones still to come', async () => {
    const held = gate();
    const queued = await heldResponse(held);
    await untilTextStarted(queued.id);
    const live = eventsOf(
      await harness.client.responses.retrieve(queued.id, {
        stream: true,
        starting_after: 2,
      }),
    );
    held.open();
    const events = await live;
    const whole = await eventsOf(
      await harness.client.responses.retrieve(queued.id, { stream: true }),
    );
    expect(events).toEqual(whole.slice(3));
    expect(events.at(-1)?.type).toBe('response.completed');
    expectValidStreamEvents(whole);
    checkStream(whole as never);
  });

  it('cancels a running response: the upstream call is aborted, it ends cancelled', async () => {
    const held = gate();
    const queued = await heldResponse(held);
    await untilTextStarted(queued.id);
    const cancelled = await harness.client.responses.cancel(queued.id);
    await harness.upstream.waitForAborts(1);
    expect(cancelled).toMatchObject({
      id: queued.id,
      status: 'cancelled',
      error: null,
    });
    expectValidResponse(cancelled);
    expect(await harness.client.responses.retrieve(queued.id)).toMatchObject({
      status: 'cancelled',
    });
    // Cancel again: answered unchanged.
    expect(await harness.client.responses.cancel(queued.id)).toEqual(cancelled);
    const replay = await eventsOf(
      await harness.client.responses.retrieve(queued.id, { stream: true }),
    );
    expectValidStreamEvents(replay);
    expect(checkStream(replay as never).final).toMatchObject({
      status: 'cancelled',
    });
    held.open();
  });

  it('deletes a running response: the run is cancelled and its end does not bring it back', async () => {
    const held = gate();
    const queued = await heldResponse(held);
    await untilTextStarted(queued.id);
    // A replay opened before the delete still reads the run to its end.
    const live = eventsOf(
      await harness.client.responses.retrieve(queued.id, { stream: true }),
    );
    await harness.client.responses.delete(queued.id);
    held.open();
    const events = await live;
    expect(checkStream(events as never).final).toMatchObject({
      status: 'cancelled',
    });
    await harness.upstream.waitForAborts(1);
    expect(
      await refusal(harness.client.responses.retrieve(queued.id)),
    ).toMatchObject({ status: 404 });
  });

  it('refuses store: false, and replay or cancel of a response that is not background (400)', async () => {
    expect(
      await refusal(
        harness.client.responses.create({
          model: MODEL,
          input: 'hi',
          background: true,
          store: false,
        }),
      ),
    ).toMatchObject({ status: 400, error: { param: 'background' } });
    const plain = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
    });
    expect(
      await refusal(
        harness.client.responses.retrieve(plain.id, { stream: true }),
      ),
    ).toMatchObject({ status: 400, error: { param: 'stream' } });
    expect(
      await refusal(harness.client.responses.cancel(plain.id)),
    ).toMatchObject({ status: 400 });
  });

  it("answers another key's background response as an unknown id", async () => {
    harness.upstream.enqueue({ kind: 'stream', chunks: textStream(['ok']) });
    const queued = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      background: true,
    });
    await finished(queued.id);
    const other = clientFor(KEY_B);
    const missing = 'resp_0123456789abcdef0123456789abcdef';
    for (const call of [
      (id: string) => other.responses.retrieve(id),
      (id: string) => other.responses.retrieve(id, { stream: true }),
      (id: string) => other.responses.cancel(id),
    ]) {
      const foreign = await refusal(call(queued.id));
      expect(foreign).toMatchObject({ status: 404 });
      expect(JSON.stringify(foreign)).toBe(
        JSON.stringify(await refusal(call(missing))).replaceAll(
          missing,
          queued.id,
        ),
      );
    }
  });
});
