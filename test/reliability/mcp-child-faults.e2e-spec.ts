import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../../src/mcp/mcp-backoff.js';
import { McpConnection } from '../../src/mcp/mcp-connection.js';
import { parseMcpServersConfig } from '../../src/config/mcp-servers/mcp-config.parser.js';
import { nodeServer, waitFor } from '../support/mcp-servers.js';

const CHILD_BIN = fileURLToPath(
  new URL('./support/misbehaving-child-mcp-server.mjs', import.meta.url),
);
/** The real policy's shape, scaled down so a test sees several steps. */
const FAST_BACKOFF: BackoffPolicy = {
  initialMs: 50,
  maxMs: 400,
  stableAfterMs: 30_000,
};
const FLOOD_BYTES = 16 * 1024 * 1024;
const MAX_LOGGED = 8 * 1024;

/** A LoggerService that keeps every message. */
function captureLog(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: unknown): void => void lines.push(String(message));
  return {
    lines,
    logger: { log: keep, warn: keep, error: keep, debug: keep, verbose: keep },
  };
}

/** One McpConnection to the misbehaving child in `mode`, started. */
function connect(name: string, args: string[], logger: LoggerService) {
  const [config] = parseMcpServersConfig(
    JSON.stringify({ mcpServers: { [name]: nodeServer(CHILD_BIN, args) } }),
    process.env,
  );
  const connection = new McpConnection(config!, {
    toolTimeoutMs: 5_000,
    requestTimeoutMs: 15_000,
    backoff: FAST_BACKOFF,
    logger,
    clientInfo: { name: 'test', version: '1' },
  });
  void connection.start();
  return connection;
}

/**
 * MCP children that misbehave as processes: one that connects and exits
 * again at once is restarted with a growing delay (not every half second
 * forever), and one that writes a 16 MiB stderr line gets it logged cut to
 * 8 KiB, and keeps working.
 */
describe('MCP child processes that misbehave', () => {
  const connections: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
  });

  it('backs off more and more from a server that connects, then exits', async () => {
    const { logger, lines } = captureLog();
    connections.push(connect('flapping', ['exit-after-list'], logger));
    const delays = (): number[] =>
      lines.flatMap((line) => {
        const match = /disconnected: .*; reconnecting in (\d+) ms$/.exec(line);
        return match ? [Number(match[1])] : [];
      });
    await waitFor(() => delays().length >= 5, 20_000, '5 disconnects');
    // Each time it had connected (tools listed) before it went away.
    expect(
      lines.filter((line) => line.includes('connected over stdio')).length,
    ).toBeGreaterThanOrEqual(5);
    expect(delays().slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
  });

  it('logs a 16 MiB stderr line cut to 8 KiB, and the next line whole', async () => {
    const { logger, lines } = captureLog();
    const connection = connect(
      'flood',
      ['stderr-flood', String(FLOOD_BYTES)],
      logger,
    );
    connections.push(connection);
    await waitFor(() => connection.connected, 20_000, 'the flood server');
    const prefix = 'MCP server flood stderr: ';
    const stderrLines = () => lines.filter((line) => line.startsWith(prefix));
    // stderr is its own pipe: its lines may arrive after the handshake.
    await waitFor(() => stderrLines().length >= 2, 5_000, 'two stderr lines');
    const stderr = stderrLines();
    expect(stderr).toHaveLength(2);
    const [flood, after] = stderr.map((line) => line.slice(prefix.length));
    expect(flood).toBe(
      `${'x'.repeat(MAX_LOGGED)}…(${FLOOD_BYTES - MAX_LOGGED} bytes more)`,
    );
    expect(after).toBe('after the flood');
  });
});
