import { afterAll, describe, expect, it } from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  ResponsesSocket,
  terminalResponse,
} from '../support/responses-socket.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { createAndClassify } from '../support/store-outcomes.js';

// The in-memory store bounded by bytes: MEMORY_STORE_MAX_BYTES of 60,000
// holds about five 10 kB answers, and refuses a 70 kB one.
const MODEL = 'fake-model';
const BUDGET = 60_000;

/** The upstream's answer to every request: `chars` characters of text. */
function answerOf(chars: number, stream: boolean) {
  const text = 'x'.repeat(chars);
  return stream
    ? { kind: 'stream' as const, chunks: textStream([text]) }
    : { kind: 'json' as const, body: completion({ content: text }) };
}

async function status(baseUrl: string, id: string): Promise<number> {
  return (await fetch(`${baseUrl}/v1/responses/${id}`)).status;
}

async function storeFailures(baseUrl: string, operation: string) {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = metrics
    .split('\n')
    .find((l) =>
      l.startsWith(`gateway_store_failures_total{operation="${operation}"}`),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('in-memory response store bounded by bytes', () => {
  const live = useGatewayWithUpstream({
    env: { MEMORY_STORE_MAX_BYTES: String(BUDGET) },
  });
  let answerChars = 10_000;
  const sockets: ResponsesSocket[] = [];
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  function answerWith(chars: number): void {
    answerChars = chars;
    live.upstream.setHandler((request) =>
      answerOf(answerChars, request.body?.stream === true),
    );
  }

  it('evicts the least recently used responses once their bytes pass the budget', async () => {
    answerWith(10_000);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = await createAndClassify(live.gateway.url, {
        model: MODEL,
        input: `question ${i}`,
        stream: i % 2 === 0,
      });
      expect(outcome.kind).toBe('stored');
      ids.push((outcome as { id: string }).id);
    }
    const kept = [];
    for (const id of ids) {
      kept.push((await status(live.gateway.url, id)) === 200);
    }
    // Five or fewer fit; the newest are the ones kept.
    expect(kept.slice(0, 4)).toEqual([false, false, false, false]);
    expect(kept.slice(-4)).toEqual([true, true, true, true]);
  });

  it('tells a request whose response is too large to store: response.failed when streamed, 413 when not', async () => {
    answerWith(70_000);
    const failuresBefore = await storeFailures(live.gateway.url, 'save');
    const streamed = await createAndClassify(live.gateway.url, {
      model: MODEL,
      input: 'a long answer, streamed',
      stream: true,
    });
    expect(streamed).toMatchObject({
      kind: 'told',
      code: 'server_error',
      message: expect.stringMatching(
        /^The response could not be stored: the conversation is too large/,
      ),
    });
    await expectOpenAiError(
      await fetch(`${live.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'a long answer' }),
      }),
      413,
      { code: 'store_entry_too_large', param: 'store' },
    );
    expect(await storeFailures(live.gateway.url, 'save')).toBe(
      failuresBefore + 2,
    );

    const unstored = await createAndClassify(live.gateway.url, {
      model: MODEL,
      input: 'the same answer, not stored',
      stream: true,
      store: false,
    });
    expect(unstored.kind).toBe('stored');
  });

  it('ends a WebSocket turn whose response cannot be stored with response.failed, and keeps the socket', async () => {
    const socket = await ResponsesSocket.open(live.gateway.url);
    sockets.push(socket);
    answerWith(70_000);
    const failed = await socket.turn({ model: MODEL, input: 'too long' });
    expect(failed.at(-1)!.type).toBe('response.failed');
    expect(terminalResponse(failed)).toMatchObject({
      status: 'failed',
      error: { code: 'server_error' },
    });
    expectSchemaValid(failed, terminalResponse(failed));

    answerWith(100);
    const next = await socket.turn({ model: MODEL, input: 'short' });
    expect(next.at(-1)!.type).toBe('response.completed');
  });
});
