import { fileURLToPath } from 'node:url';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { waitFor } from '../support/mcp-servers.js';
import {
  ensureFreshBuild,
  GatewayProcess,
  type LogLine,
} from './support/gateway-process.js';

/**
 * main.ts's last-resort handlers, on the built program (`node dist/main.js`)
 * with a preload that raises a fault from a timer, outside any request, on
 * SIGUSR2 (see support/last-resort-preload.mjs).
 * - An uncaught exception leaves the process in a state Node cannot vouch
 *   for: it is logged at fatal, then the process drains as on SIGTERM
 *   (/ready 503, the streams in flight run to their end) and exits 1.
 * - An unhandled rejection changed no state: it is logged at error and the
 *   process keeps serving.
 */
const PRELOAD = fileURLToPath(
  new URL('./support/last-resort-preload.mjs', import.meta.url),
);
/** 20 pieces 100 ms apart: a stream still running ~2 s after its first byte. */
const PIECES = Array.from({ length: 20 }, (_, i) => `p${i} `);

const isFatalUncaught = (line: LogLine) =>
  line.level === 'fatal' &&
  /uncaught exception/.test(line.msg ?? '') &&
  line.err?.message === 'injected uncaught exception';
const isUnhandledRejection = (line: LogLine) =>
  line.level === 'error' &&
  /unhandled promise rejection/.test(line.msg ?? '') &&
  line.err?.message === 'injected unhandled rejection';

/** Resolves with the child's exit, or fails after `ms`. */
function exitWithin(gateway: GatewayProcess, ms: number) {
  return Promise.race([
    gateway.exit,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`the gateway did not exit within ${ms} ms`)),
        ms,
      ).unref(),
    ),
  ]);
}

describe('last-resort handlers of the built process', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    ensureFreshBuild();
    upstream = await FakeUpstream.start();
  }, 180_000);
  afterAll(async () => {
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.reset();
    upstream.setHandler((request) =>
      request.body?.stream === true
        ? { kind: 'stream', chunks: textStream(PIECES), intervalMs: 100 }
        : { kind: 'json', body: completion({ content: 'pong' }) },
    );
  });
  afterEach(async () => {
    await gateway?.kill();
    gateway = undefined;
  });

  it('an uncaught exception: logged at fatal, /ready 503, the stream in flight finishes, exit 1', async () => {
    gateway = await GatewayProcess.start(PRELOAD, {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      SHUTDOWN_GRACE_SECONDS: '5',
      LAST_RESORT_FAULT: 'uncaught',
    });
    const responses = await gateway.stream('/v1/responses', {
      model: 'fake-model',
      stream: true,
      input: 'hi',
    });
    await responses.firstBytes;

    gateway.child.kill('SIGUSR2');
    await gateway.waitForLog(isFatalUncaught, 'a fatal line for the exception');
    await waitFor(
      async () => (await gateway!.readyStatus()) === 503,
      5_000,
      '/ready to turn 503',
    );
    // Draining, not dead: the stream is still running.
    expect(gateway.alive).toBe(true);

    const text = await responses.text;
    expect(text).toContain(`"text":"${PIECES.join('')}"`);
    const frames = text.trimEnd().split('\n\n');
    expect(frames.at(-2)).toMatch(/^event: response\.completed\n/);
    expect(frames.at(-1)).toBe('data: [DONE]');

    expect(await exitWithin(gateway, 10_000)).toEqual({
      code: 1,
      signal: null,
    });
    expect(upstream.abortCount).toBe(0);
  });

  it('an unhandled rejection: logged at error, and the process keeps serving', async () => {
    gateway = await GatewayProcess.start(PRELOAD, {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      LAST_RESORT_FAULT: 'rejection',
    });

    gateway.child.kill('SIGUSR2');
    await gateway.waitForLog(
      isUnhandledRejection,
      'an error line for the rejection',
    );

    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'ping' }],
      }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      choices: [{ message: { content: 'pong' } }],
    });
    expect(await gateway.readyStatus()).toBe(200);
    expect(gateway.alive).toBe(true);
    expect(gateway.logLines().filter((l) => l.level === 'fatal')).toEqual([]);

    // The process still shuts down on request, cleanly.
    gateway.child.kill('SIGTERM');
    expect(await exitWithin(gateway, 10_000)).toEqual({
      code: 0,
      signal: null,
    });
  });
});
