import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSettings } from '../../src/config/settings-help.js';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { freePort, TempDir } from '../support/mcp-servers.js';
import { waitUntil } from '../support/wait-until.js';

const CLI = join(ROOT, 'dist/cli.js');

/** Runs the CLI to its end (for flags that never start the server). */
function runCli(args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

describe('the open-responses-gateway command (dist/cli.js)', () => {
  beforeAll(() => {
    ensureBuilt();
  });

  it('declares itself as the package bin', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'open-responses-gateway': 'dist/cli.js' });
    expect(await readFile(CLI, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('--help prints every setting with its default', () => {
    const { status, stdout } = runCli(['--help']);
    expect(status).toBe(0);
    for (const flag of [
      '--upstream',
      '--port',
      '--host',
      '--mcp-config',
      '--upstreams-config',
      '--api-keys-file',
      '--log-level',
      '--version',
    ]) {
      expect(stdout).toContain(flag);
    }
    for (const setting of listSettings()) {
      expect(stdout).toContain(
        `${setting.description} (default: ${setting.defaultValue ?? 'unset'})`,
      );
      expect(stdout).toMatch(new RegExp(`^  ${setting.name} `, 'm'));
    }
  });

  it('--version prints the name and version of package.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const { status, stdout } = runCli([flag]);
      expect(status).toBe(0);
      expect(stdout).toBe(`${pkg.name} ${pkg.version}\n`);
    }
  });

  it('refuses an unknown flag with exit code 2', () => {
    const { status, stderr } = runCli(['--bogus']);
    expect(status).toBe(2);
    expect(stderr).toContain("Unknown option '--bogus'");
  });

  describe('started with flags', () => {
    let upstream: FakeUpstream;
    let dir: TempDir;
    let child: ChildProcess;
    let url: string;
    let logged = '';
    const KEY = 'sk-from-the-keys-file';
    const authorized = { authorization: `Bearer ${KEY}` };

    beforeAll(async () => {
      upstream = await FakeUpstream.start();
      dir = await TempDir.create();
      const mcpConfig = await dir.writeConfig({
        'flag-server': { command: join(dir.path, 'missing-binary') },
      });
      const upstreamsConfig = join(dir.path, 'upstreams.json');
      await writeFile(
        upstreamsConfig,
        JSON.stringify({
          upstreams: { named: { base_url: upstream.baseUrl } },
        }),
      );
      const keysFile = join(dir.path, 'keys.txt');
      await writeFile(keysFile, `${KEY}\n`);
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      child = spawn(
        process.execPath,
        [
          CLI,
          '--upstream',
          upstream.baseUrl,
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--mcp-config',
          mcpConfig,
          '--upstreams-config',
          upstreamsConfig,
          '--api-keys-file',
          keysFile,
          '--log-level',
          'info',
        ],
        {
          cwd: dir.path,
          env: { ...process.env, LOG_LEVEL: 'silent', API_ADAPTER_PORT: '1' },
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      child.stdout?.on('data', (part: Buffer) => {
        logged += part.toString('utf8');
      });
      await waitUntil(
        async () =>
          (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
        () => `the CLI gateway listening on ${url}`,
        20_000,
      );
    }, 30_000);
    afterAll(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await upstream.close();
      await dir.remove();
    });

    it('listens on --host:--port and sends completions to --upstream', async () => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorized },
        body: JSON.stringify({
          model: 'fake-model',
          messages: [{ role: 'user', content: 'hello' }],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.choices[0].message.content).toBe('echo: hello');
      expect(upstream.chatRequests).toHaveLength(1);
    });

    it('loads the MCP servers of --mcp-config', async () => {
      const res = await fetch(`${url}/v1/mcp/servers`, { headers: authorized });
      expect(JSON.stringify(await res.json())).toContain('flag-server');
    });

    it('takes its keys from --api-keys-file', async () => {
      const res = await fetch(`${url}/v1/models`);
      expect(res.status).toBe(401);
    });

    it('routes to the upstreams of --upstreams-config', async () => {
      const res = await fetch(`${url}/named/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorized },
        body: JSON.stringify({
          model: 'fake-model',
          messages: [{ role: 'user', content: 'named' }],
        }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).choices[0].message.content).toBe(
        'echo: named',
      );
    });

    it('logs at --log-level, over LOG_LEVEL', () => {
      expect(logged).toContain('"level":"info"');
    });
  });
});
