import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import type { Endpoint } from './support/answers.js';
import { observe } from './support/outcome.js';
import {
  FAULT_CASES,
  type FaultGateway,
} from './support/upstream-fault-cases.js';

/**
 * The upstream-fault matrix for /v1/responses and /v1/chat/completions,
 * streaming and not. A fault before the first byte is an HTTP error with an
 * OpenAI body; after it, a terminal `response.failed` (Responses) or one
 * final `data: {"error":…}` (chat). Every case ends within its timeout plus
 * a generous margin (the measured times are printed, never asserted tightly),
 * and nothing leaks: no upstream socket and no timer outlives the gateways.
 */
const READ_TIMEOUT_MS = 500;
/** Upper bound asserted on top of a case's own timeout: generous, never the thing under test. */
const MARGIN_MS = 5_000;

interface Row {
  fault: string;
  endpoint: Endpoint;
  stream: boolean;
  summary: string;
  elapsedMs: number;
}

describe('upstream faults', () => {
  let upstream: FakeUpstream;
  const gateways = {} as Record<FaultGateway, RunningGateway>;
  const rows: Row[] = [];
  let timeoutsBefore = 0;
  let peakTimeouts = 0;
  let timers = '';

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    timeoutsBefore = activeTimeouts();
    const base = {
      UPSTREAM_MAX_RETRIES: '0',
      UPSTREAM_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
    };
    gateways.main = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    gateways.refused = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    gateways.dns = await startGateway({
      ...base,
      OPENAI_BASE_URL_INTERNAL: 'http://no-such-upstream.invalid/v1',
    });
    gateways.retrying = await startGateway({
      ...base,
      UPSTREAM_MAX_RETRIES: '2',
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  let closing: Promise<unknown> | undefined;
  const closeGateways = () =>
    (closing ??= Promise.all(Object.values(gateways).map((g) => g.close())));
  afterAll(async () => {
    await closeGateways();
    await upstream?.close();
    console.info(
      `upstream faults: time from request to the end of the answer (read timeout ${READ_TIMEOUT_MS} ms)\n${rows
        .map(
          (r) =>
            `  ${String(r.elapsedMs).padStart(5)} ms  ${r.endpoint} ${r.stream ? 'stream' : 'json  '}  ${r.fault} → ${r.summary}`,
        )
        .join('\n')}\n  ${timers}`,
    );
  });
  beforeEach(() => upstream.reset());

  const matrix = FAULT_CASES.flatMap((fault) =>
    (['responses', 'chat'] as const).flatMap((endpoint) =>
      ([true, false] as const).flatMap((stream) => {
        const expected = fault.expect[endpoint][stream ? 0 : 1];
        return expected === null ? [] : [{ fault, endpoint, stream, expected }];
      }),
    ),
  );

  it.each(
    matrix.map(
      (m) =>
        [m.fault.name, m.endpoint, m.stream ? 'stream' : 'json', m] as const,
    ),
  )(
    '%s: %s %s',
    async (_name, _endpoint, _mode, { fault, endpoint, stream, expected }) => {
      upstream.enqueue(...(fault.replies?.(stream) ?? []));
      const outcome = await observe(
        gateways[fault.gateway].url,
        endpoint,
        stream,
      );
      peakTimeouts = Math.max(peakTimeouts, activeTimeouts());
      rows.push({
        fault: fault.name,
        endpoint,
        stream,
        summary: outcome.summary,
        elapsedMs: outcome.elapsedMs,
      });
      expect(outcome.summary).toBe(expected);
      expect(outcome.problems).toEqual([]);
      expect(outcome.elapsedMs).toBeLessThan(
        (fault.timeout ? READ_TIMEOUT_MS : 0) + MARGIN_MS,
      );
      if (fault.attempts !== undefined) {
        expect(upstream.chatRequests).toHaveLength(fault.attempts);
      }
      if (fault.timeout) {
        // The gateway hung up on the silent upstream instead of waiting on.
        await upstream.waitForAborts(1);
      }
    },
  );

  it('leaves no upstream socket and no timer behind once the gateways closed', async () => {
    await closeGateways();
    await waitUntil(
      () => upstream.openSockets === 0,
      () => `upstream sockets to close (${upstream.openSockets} open)`,
    );
    // Timers that end with a request (read timeouts, keepalives, retry
    // waits) must all be gone; compare with the count before any gateway.
    await waitUntil(
      () => activeTimeouts() <= timeoutsBefore,
      () =>
        `timers to end (${activeTimeouts()} now, ${timeoutsBefore} before the gateways)`,
    );
    timers = `Timeout handles: ${timeoutsBefore} before the gateways, up to ${peakTimeouts} during the matrix, ${activeTimeouts()} after they closed`;
  });
});

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
