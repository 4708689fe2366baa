import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-app.js';

/**
 * A start-up that fails after the environment was read (a bad MCP servers
 * file here) is reported as one JSON line at fatal, then exit 1: a log
 * collector parses it, where Nest's own report is a colour-coded trace.
 */
describe('a failed start-up of the built process', () => {
  let dir: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'start-up-failure-'));
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is one JSON line at fatal naming the problem, then exit 1', async () => {
    const mcpPath = join(dir, 'mcp.json');
    await writeFile(mcpPath, JSON.stringify({ mcpServers: { x: { url: 5 } } }));
    const child = spawn(process.execPath, [`${ROOT}dist/main.js`], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: '0',
        MCP_SERVERS_CONFIG_PATH: mcpPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (part: Buffer) => (output += part.toString()));
    child.stderr.on('data', (part: Buffer) => (output += part.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(1);
    expect(output).not.toContain('\u001b[');
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const fatal = lines.filter((line) => line.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(JSON.stringify(fatal[0])).toContain('mcpServers.x.url');
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
