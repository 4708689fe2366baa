import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpManagerService } from '../../src/mcp/mcp-manager.service.js';
import {
  callNamed,
  startMcpManager,
  statusOf,
} from '../support/mcp-manager-harness.js';
import { nodeServer, processExists, waitFor } from '../support/mcp-servers.js';

/**
 * MCP servers that crash, hang or answer garbage, through McpManagerService:
 * every call resolves (never rejects, never hangs past its timeout) with a
 * result the model can read, and the manager keeps serving.
 */
const FAULTY_BIN = fileURLToPath(
  new URL('./support/faulty-mcp-server.mjs', import.meta.url),
);
const RAW_BIN = fileURLToPath(
  new URL('./support/raw-jsonrpc-mcp-server.mjs', import.meta.url),
);
const TOOL_TIMEOUT_MS = 1_000;
/** Generous bound on top of a timeout: a hang guard, not a measurement. */
const MARGIN_MS = 5_000;
const CONCURRENT_CALLS = 100;

describe('MCP faults', () => {
  let sut: McpManagerService;
  const timings: string[] = [];

  beforeAll(async () => {
    sut = await startMcpManager({
      faulty: nodeServer(FAULTY_BIN, [], { toolTimeoutMs: TOOL_TIMEOUT_MS }),
      raw: nodeServer(RAW_BIN, [], { toolTimeoutMs: TOOL_TIMEOUT_MS }),
    });
    expect(statusOf(sut, 'faulty').connected).toBe(true);
    expect(statusOf(sut, 'raw').connected).toBe(true);
  });
  afterAll(async () => {
    await sut?.onApplicationShutdown();
    console.info(`MCP faults: time to a result\n${timings.join('\n')}`);
  });

  /** Calls a tool, recording how long the call took. */
  const timedCall = async (name: string, args: unknown = {}) => {
    const started = performance.now();
    const result = await callNamed(sut, name, JSON.stringify(args));
    const elapsedMs = Math.round(performance.now() - started);
    timings.push(
      `  ${String(elapsedMs).padStart(5)} ms  ${name} → ${result.isError ? 'isError' : 'ok'}: ${result.text.slice(0, 120)}`,
    );
    return { result, elapsedMs };
  };

  it('a server that exits mid-call: the call resolves with isError, and the server comes back', async () => {
    const firstPid = sut.childPid('faulty')!;
    const { result, elapsedMs } = await timedCall('faulty__crash');
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^MCP tool crash on server faulty failed: /);
    // Seen as a dead connection, not waited out as a timeout.
    expect(result.text).not.toMatch(/timed out/);
    expect(elapsedMs).toBeLessThan(TOOL_TIMEOUT_MS + MARGIN_MS);
    await waitFor(
      () => !processExists(firstPid),
      5_000,
      'the crashed child to be gone',
    );
    await waitFor(
      () =>
        statusOf(sut, 'faulty').connected &&
        sut.childPid('faulty') !== firstPid,
      15_000,
      'reconnect',
    );
    const newPid = sut.childPid('faulty')!;
    const { result: after } = await timedCall('faulty__echo', { text: 'back' });
    expect(after).toMatchObject({
      isError: false,
      text: `echo back from ${newPid}`,
    });
  });

  it('a tool that never answers: isError once the tool timeout passed, and the server keeps serving', async () => {
    const pid = sut.childPid('faulty');
    const { result, elapsedMs } = await timedCall('faulty__hang');
    expect(result.isError).toBe(true);
    expect(result.text).toBe(
      `MCP tool hang on server faulty timed out after ${TOOL_TIMEOUT_MS} ms`,
    );
    expect(elapsedMs).toBeGreaterThanOrEqual(TOOL_TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(TOOL_TIMEOUT_MS + MARGIN_MS);
    expect(sut.childPid('faulty')).toBe(pid);
    const { result: after } = await timedCall('faulty__echo', { text: 'x' });
    expect(after.text).toBe(`echo x from ${pid}`);
  });

  it.each([
    ['content_not_array'],
    ['bad_blocks'],
    ['is_error_string'],
    ['result_null'],
    ['result_number'],
    ['error_response'],
    ['garbage_line'],
    ['wrong_id'],
  ])(
    'a server whose tools/call answer breaks the schema (%s): isError, no crash',
    async (tool) => {
      const { result, elapsedMs } = await timedCall(`raw__${tool}`);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(
        new RegExp(`^MCP tool ${tool} on server raw (failed|timed out)`),
      );
      expect(elapsedMs).toBeLessThan(TOOL_TIMEOUT_MS + MARGIN_MS);
      // The same server, connected or reconnected, still answers a good call.
      await waitFor(
        () => statusOf(sut, 'raw').connected,
        15_000,
        'raw server connected',
      );
      const { result: fine } = await timedCall('raw__fine');
      expect(fine).toMatchObject({ isError: false, text: 'fine' });
    },
  );

  it(`${CONCURRENT_CALLS} concurrent calls on one server each get their own answer`, async () => {
    const pid = sut.childPid('faulty');
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: CONCURRENT_CALLS }, (_, i) =>
        callNamed(
          sut,
          'faulty__echo',
          JSON.stringify({ text: `n${i}`, delayMs: (i * 7) % 50 }),
        ),
      ),
    );
    timings.push(
      `  ${String(Math.round(performance.now() - started)).padStart(5)} ms  ${CONCURRENT_CALLS} concurrent faulty__echo calls`,
    );
    expect(results.map((r) => r.isError)).not.toContain(true);
    expect(results.map((r) => r.text)).toEqual(
      Array.from(
        { length: CONCURRENT_CALLS },
        (_, i) => `echo n${i} from ${pid}`,
      ),
    );
  });
});
