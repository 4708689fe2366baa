import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { ensureBuilt, ROOT } from './built-app.js';
import { waitUntil } from './wait-until.js';

/** One built gateway process (`node dist/main.js`) on its own port. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
}

/**
 * The directory whose dist/main.js runs: the repository's own build, or
 * E2E_GATEWAY_ROOT (a build of one's own: `tsc -p tsconfig.build.json
 * --outDir <dir>/dist`, with node_modules and openapi linked beside it).
 */
function gatewayRoot(): string {
  const own = process.env['E2E_GATEWAY_ROOT'];
  if (own === undefined || own === '') {
    ensureBuilt();
    return ROOT;
  }
  return own;
}

/**
 * Starts `node dist/main.js` on a free port with only `env` (and PATH) in
 * its environment, and resolves once it answers /health.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: gatewayRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      API_ADAPTER_HOST: '127.0.0.1',
      API_ADAPTER_PORT: String(port),
      ...env,
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () =>
      (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
    () => `the gateway on port ${port} to answer /health`,
    30_000,
  );
  return { url, child };
}

/** Stops a gateway process (SIGTERM) and waits for it to exit. */
export async function stopGatewayProcess({
  child,
}: GatewayProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}
