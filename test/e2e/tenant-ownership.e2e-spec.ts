import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { completion } from '../support/chat-chunks.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  ResponsesSocket,
  terminalResponse,
  type SocketEvent,
} from '../support/responses-socket.js';

// Two unnamed tenants: each key owns what it stores.
const KEY_A = 'sk-tenant-a-0001';
const KEY_B = 'sk-tenant-b-0002';
const MODEL = 'fake-model';
const SECRET = 'the vault code is 4711';
// Shaped like real ids, never stored.
const MISSING_RESPONSE = 'resp_0123456789abcdef0123456789abcdef';
const MISSING_ITEM = 'msg_0123456789abcdef0123456789abcdef';

/**
 * `call(id)` for another key's `id` is refused exactly as for `missing`, an
 * id never stored (the message names the id asked for, so it is swapped).
 * Returns the refusal.
 */
async function expectRefusedAsMissing(
  call: (id: string) => Promise<unknown>,
  id: string,
  missing: string,
): Promise<unknown> {
  const foreign = await refusal(call(id));
  const unknown = await refusal(call(missing));
  expect(JSON.stringify(foreign)).toBe(
    JSON.stringify(unknown).replaceAll(missing, id),
  );
  return foreign;
}

describe('stored objects belong to the key that stored them', () => {
  const harness = useGatewayWithUpstream({
    env: {
      GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`,
      COMPACTION_SECRET: 'ownership-compaction-secret-0123456789',
    },
    apiKey: KEY_A,
  });
  const clientFor = (apiKey: string, path = '/v1'): OpenAI =>
    new OpenAI({
      baseURL: `${harness.gateway.url}${path}`,
      apiKey,
      maxRetries: 0,
    });

  /** A response of key A whose input holds SECRET; the upstream's log is cleared. */
  async function responseOfA(): Promise<OpenAI.Responses.Response> {
    const response = await clientFor(KEY_A).responses.create({
      model: MODEL,
      input: SECRET,
    });
    harness.upstream.reset();
    return response;
  }

  /** No request reached the upstream, and none carried SECRET. */
  function expectUpstreamUntouched(): void {
    expect(harness.upstream.requests).toEqual([]);
  }

  it('answers GET, input_items, cancel and DELETE of another key with the 404 of a missing id', async () => {
    const { id } = await responseOfA();
    const b = clientFor(KEY_B).responses;
    const notFound = await expectRefusedAsMissing(
      (x) => b.retrieve(x),
      id,
      MISSING_RESPONSE,
    );
    expect(notFound).toMatchObject({ status: 404 });
    for (const call of [
      (x: string) => b.inputItems.list(x),
      (x: string) => b.cancel(x),
      (x: string) => b.delete(x),
    ]) {
      expect(await expectRefusedAsMissing(call, id, MISSING_RESPONSE)).toEqual(
        notFound,
      );
    }

    // B's DELETE deleted nothing: A still reads, lists and deletes it.
    const a = clientFor(KEY_A).responses;
    expect((await a.retrieve(id)).id).toBe(id);
    expect((await a.inputItems.list(id)).data).toHaveLength(1);
    expect(await refusal(a.cancel(id))).toMatchObject({ status: 400 });
    await a.delete(id);
    expect(await refusal(a.retrieve(id))).toMatchObject({ status: 404 });
  });

  it("refuses another key's previous_response_id as a missing one on every route, before any upstream call", async () => {
    const { id } = await responseOfA();
    const b = clientFor(KEY_B);
    const continuing = (x: string) => ({
      model: MODEL,
      input: 'what is the code?',
      previous_response_id: x,
    });
    const calls: [string, (x: string) => Promise<unknown>][] = [
      ['create', (x) => b.responses.create(continuing(x))],
      [
        'streamed create',
        (x) => b.responses.create({ ...continuing(x), stream: true }),
      ],
      [
        'named upstream',
        (x) => clientFor(KEY_B, '/default/v1').responses.create(continuing(x)),
      ],
      ['input_tokens', (x) => b.responses.inputTokens.count(continuing(x))],
      ['compact', (x) => b.responses.compact(continuing(x))],
    ];
    for (const [route, call] of calls) {
      const refused = await expectRefusedAsMissing(call, id, MISSING_RESPONSE);
      expect(refused, route).toMatchObject({
        status: 404,
        error: { code: 'previous_response_not_found' },
      });
    }
    expectUpstreamUntouched();

    // A continues its own conversation, on the named-upstream route too.
    await clientFor(KEY_A, '/default/v1').responses.create(continuing(id));
    expect(JSON.stringify(harness.upstream.chatRequests[0]!.body)).toContain(
      SECRET,
    );
  });

  it("refuses another key's item_reference as a missing item, before any upstream call", async () => {
    const { id } = await responseOfA();
    const [item] = (await clientFor(KEY_A).responses.inputItems.list(id)).data;
    const referencing = (x: string) => ({
      model: MODEL,
      input: [{ type: 'item_reference' as const, id: x }],
    });
    const refused = await expectRefusedAsMissing(
      (x) => clientFor(KEY_B).responses.create(referencing(x)),
      item!.id,
      MISSING_ITEM,
    );
    expect(refused).toMatchObject({ status: 400, error: { param: 'input' } });
    expectUpstreamUntouched();

    await clientFor(KEY_A).responses.create(referencing(item!.id));
    expect(JSON.stringify(harness.upstream.chatRequests[0]!.body)).toContain(
      SECRET,
    );
  });

  it("refuses another key's compaction item as one that does not open", async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: `SUMMARY: ${SECRET}` }),
    });
    const compacted = await clientFor(KEY_A).responses.compact({
      model: MODEL,
      input: SECRET,
    });
    const sealed = compacted.output.find((item) => item.type === 'compaction');
    const encrypted = (sealed as { encrypted_content: string })
      .encrypted_content;
    harness.upstream.reset();
    const withItem = (content: string) =>
      clientFor(KEY_B).responses.create({
        model: MODEL,
        input: [{ type: 'compaction', encrypted_content: content }],
      });
    const foreign = await refusal(withItem(encrypted));
    const altered = await refusal(withItem(`${encrypted.slice(0, -4)}AAAA`));
    expect(foreign).toEqual(altered);
    expect(foreign).toMatchObject({ status: 400 });
    expectUpstreamUntouched();

    await clientFor(KEY_A).responses.create({
      model: MODEL,
      input: [{ type: 'compaction', encrypted_content: encrypted }],
    });
    expect(JSON.stringify(harness.upstream.chatRequests[0]!.body)).toContain(
      SECRET,
    );
  });

  it("keeps each socket to its upgrade key: B's socket cannot continue A's responses", async () => {
    const socketOf = (key: string) =>
      ResponsesSocket.open(harness.gateway.url, {
        authorization: `Bearer ${key}`,
      });
    const a = await socketOf(KEY_A);
    const b = await socketOf(KEY_B);
    try {
      const stored = responseId(await a.turn({ model: MODEL, input: SECRET }));
      const cached = responseId(
        await a.turn({ model: MODEL, input: SECRET, store: false }),
      );
      harness.upstream.reset();
      const continuing = (x: string) => ({
        model: MODEL,
        input: 'what is the code?',
        previous_response_id: x,
      });
      const missing = errorOf(await b.turn(continuing(MISSING_RESPONSE)));
      for (const id of [stored, cached]) {
        const refused = errorOf(await b.turn(continuing(id)));
        expect(JSON.stringify(refused)).toBe(
          JSON.stringify(missing).replaceAll(MISSING_RESPONSE, id),
        );
      }
      expectUpstreamUntouched();

      // B's turns are B's: stored as B's, not A's.
      const ofB = responseId(await b.turn({ model: MODEL, input: 'mine' }));
      expect((await clientFor(KEY_B).responses.retrieve(ofB)).id).toBe(ofB);
      expect(
        await refusal(clientFor(KEY_A).responses.retrieve(ofB)),
      ).toMatchObject({ status: 404 });
      // A's socket still continues both of its own.
      for (const id of [stored, cached]) {
        expect(
          (await a.turn({ ...continuing(id), store: false })).at(-1)!.type,
        ).toBe('response.completed');
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

function responseId(events: readonly SocketEvent[]): string {
  expect(events.at(-1)!.type).toBe('response.completed');
  return terminalResponse(events)['id'] as string;
}

/** The error frame a refused turn ends with. */
function errorOf(events: readonly SocketEvent[]): SocketEvent {
  expect(events).toHaveLength(1);
  expect(events[0]!.type).toBe('error');
  return events[0]!;
}
