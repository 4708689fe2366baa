import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { freePort, waitFor } from '../support/mcp-servers.js';

const MAIN = join(ROOT, 'dist/main.js');
const PRELOAD = join(ROOT, 'test/support/loaded-packages-preload.mjs');

/** A built gateway whose loaded npm packages can be listed. */
class InspectedGateway {
  private output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on(
      'data',
      (part: Buffer) => (this.output += part.toString()),
    );
    child.stderr!.on(
      'data',
      (part: Buffer) => (this.output += part.toString()),
    );
  }

  static async start(): Promise<InspectedGateway> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', PRELOAD, MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: String(port),
        OPENAI_BASE_URL_INTERNAL: 'http://127.0.0.1:9/v1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new InspectedGateway(child, `http://127.0.0.1:${port}`);
    await waitFor(
      () => gateway.output.includes('open-responses-gateway listening'),
      20_000,
      `the gateway to listen; output so far: ${gateway.output}`,
    );
    return gateway;
  }

  async loadedPackages(): Promise<string[]> {
    return (await this.loaded()).packages;
  }

  /** The npm packages loaded so far, and their files (paths from node_modules/). */
  async loaded(): Promise<{ packages: string[]; files: string[] }> {
    const before = this.output.length;
    this.child.kill('SIGUSR2');
    await waitFor(
      () => this.output.indexOf('LOADED_FILES ', before) >= 0,
      5_000,
      'the list of loaded packages',
    );
    const line = (name: string): string[] => {
      const at = this.output.indexOf(`${name} `, before);
      const text = this.output.slice(at + name.length + 1).split('\n')[0]!;
      return JSON.parse(text) as string[];
    };
    return { packages: line('LOADED_PACKAGES'), files: line('LOADED_FILES') };
  }
}

// What a running gateway never uses unless asked stays off its heap
// (bench/README.md, "Memory"): the OpenAPI machinery, Redis, the MCP SDK.
describe('a gateway nobody asked for its docs, without Redis or MCP', () => {
  let gateway: InspectedGateway | undefined;

  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(() => {
    gateway?.child.kill('SIGKILL');
  });

  it('has not loaded @nestjs/swagger, ioredis or the MCP SDK, and loads swagger on the first /openapi.json', async () => {
    gateway = await InspectedGateway.start();
    const idle = await gateway.loadedPackages();
    expect(idle).toContain('fastify');
    expect(idle).not.toContain('@nestjs/swagger');
    expect(idle).not.toContain('ioredis');
    expect(idle).not.toContain('@modelcontextprotocol/sdk');

    const document = await fetch(`${gateway.url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(await gateway.loadedPackages()).toContain('@nestjs/swagger');
  });

  // Their indexes load all of each package (src/llm-client/undici-parts.ts,
  // src/common/validation/class-validator.ts): 6 MiB of idle heap.
  it("loads undici's Agent and class-validator's decorators, not the packages' indexes", async () => {
    gateway = await InspectedGateway.start();
    const { packages, files } = await gateway.loaded();
    expect(files).toContain('undici/lib/dispatcher/agent.js');
    expect(files).toContain('class-validator/cjs/validation/Validator.js');
    expect(files).not.toContain('undici/index.js');
    expect(files.filter((file) => file.startsWith('undici/lib/web/'))).toEqual(
      [],
    );
    expect(files).not.toContain('class-validator/cjs/index.js');
    expect(packages).not.toContain('libphonenumber-js');
  });
});
