import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, GatewayProcess } from './support/gateway-process.js';
import { GatedUpstream } from './support/gated-upstream.js';

/**
 * The built gateway (`node dist/main.js`) under the Helm chart's heap cap,
 * `--max-old-space-size=256`, with its default settings: its memory budget
 * of request bodies is an eighth of V8's heap limit (38 MiB), so one 30 MB
 * body is held at a time. Eight concurrent 30 MB bodies used to abort the
 * process with "JavaScript heap out of memory"; now the extra ones get a
 * clean 503 with retry-after, the others succeed, and the process lives.
 */
const MB = 1_000_000;
const CONCURRENT = 8;

/** A chat completion request of `bytes` bytes. */
function chatBody(bytes: number): Buffer {
  const head = '{"model":"fake-model","messages":[{"role":"user","content":"';
  const tail = '"}]}';
  return Buffer.from(
    head + 'a'.repeat(bytes - head.length - tail.length) + tail,
  );
}

interface Answer {
  status: number;
  retryAfter: string | null;
  code: unknown;
}

describe('memory budget of the built gateway under a 256 MB heap', () => {
  let upstream: GatedUpstream;
  let gateway: GatewayProcess;
  const body = chatBody(30 * MB);

  beforeAll(async () => {
    ensureFreshBuild();
    upstream = await GatedUpstream.start();
    gateway = await GatewayProcess.start(null, {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      NODE_OPTIONS: '--max-old-space-size=256',
    });
  }, 180_000);
  afterAll(async () => {
    await gateway?.kill();
    await upstream?.close();
  });

  const post = async (payload: Buffer): Promise<Answer> => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await response.json()) as { error?: { code?: unknown } };
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      code: json.error?.code,
    };
  };

  it('derives its budget from the heap: 1/8 of the limit, the 32 MiB body limit under it', async () => {
    const line = await gateway.waitForLog(
      (l) => l.msg === 'memory budget of request bodies',
      'the memory budget line',
    );
    const heapLimit = line.heapLimitBytes as number;
    expect(heapLimit).toBeGreaterThan(256 * 2 ** 20);
    expect(heapLimit).toBeLessThan(320 * 2 ** 20);
    expect(line.maxInflightBodyBytes).toBe(Math.floor(heapLimit / 8));
    expect(line.bodyLimitBytes).toBe(32 * 2 ** 20);
  });

  it(`holds one of ${CONCURRENT} concurrent 30 MB bodies, refuses the others with a 503, and stays alive`, async () => {
    upstream.hold();
    const answers = Array.from({ length: CONCURRENT }, () => post(body));
    await upstream.waitForRequests(1);
    // A small request still fits beside the body held.
    const small = post(chatBody(1_000));
    await upstream.waitForRequests(2);
    upstream.open();
    const settled = await Promise.all(answers);
    const refused = settled.filter((answer) => answer.status === 503);
    expect(settled.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(refused).toHaveLength(CONCURRENT - 1);
    for (const answer of refused) {
      expect(answer).toEqual({
        status: 503,
        retryAfter: '5',
        code: 'server_overloaded',
      });
    }
    expect((await small).status).toBe(200);
    expect(gateway.alive).toBe(true);
  });

  it('serves round after round of concurrent 30 MB bodies without running out of memory', async () => {
    for (let round = 0; round < 2; round++) {
      const settled = await Promise.all(
        Array.from({ length: CONCURRENT }, () => post(body)),
      );
      for (const answer of settled) {
        expect([200, 503]).toContain(answer.status);
      }
      expect(settled.some((answer) => answer.status === 200)).toBe(true);
    }
    expect(gateway.alive).toBe(true);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});
