/**
 * The processes a bench run measures, by the name scenarios give them:
 *
 * - `direct`: the fake upstream itself (fake-upstream.mjs);
 * - `floor`: floor-proxy.mjs in front of it, the reference of every ratio;
 * - `gateway`: the built gateway (dist/main.js) in front of it;
 * - `portkey`: Portkey's open-source gateway in front of it, a peer. Its
 *   runs carry the headers that route a request to an OpenAI-compatible
 *   custom host. When it cannot start, its runs fail and the rest go on;
 * - `minimal`: minimal-gateway.mjs in front of it, a reference: the least a
 *   gateway does per request, on the gateway's own stack.
 *
 * The floor, the gateway and Portkey preload gc-probe.mjs, so their idle RSS
 * is read after a forced GC, once each answers.
 */
import { mkdirSync } from 'node:fs';
import { idleRss } from './memory.mjs';
import {
  GC_PROBE_ARGS,
  forkHelper,
  startGateway,
  startPortkey,
} from './processes.mjs';

const message = (error) =>
  error instanceof Error ? error.message : String(error);

function profileArgs(config, profileDir, benchDir) {
  if (!config.profile) {
    return [];
  }
  mkdirSync(profileDir, { recursive: true });
  return [
    '--cpu-prof',
    '--cpu-prof-dir',
    profileDir,
    '--import',
    `${benchDir}profile-exit.mjs`,
  ];
}

/** Portkey, or a stand-in whose runs fail with the reason it did not start. */
async function portkeyTarget(repoRoot, upstreamOrigin) {
  try {
    const handle = await startPortkey({ repoRoot });
    handle.headers = {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstreamOrigin}/v1`,
      authorization: 'Bearer bench',
    };
    return handle;
  } catch (error) {
    return { name: 'portkey', error: `did not start: ${message(error)}` };
  }
}

/** The minimal gateway, or a stand-in whose runs fail with the reason it did not start. */
async function minimalTarget(benchDir, upstreamOrigin) {
  try {
    return await forkHelper(
      'minimal gateway',
      `${benchDir}minimal-gateway.mjs`,
      { UPSTREAM_ORIGIN: upstreamOrigin },
    );
  } catch (error) {
    return { name: 'minimal', error: `did not start: ${message(error)}` };
  }
}

/**
 * Starts every target; returns them by name, and the idle RSS of the
 * proxies: `{ targets, idle: Map<name, { bytes, how }> }`.
 */
export async function startTargets({ config, benchDir, repoRoot, profileDir }) {
  const direct = await forkHelper(
    'fake upstream',
    `${benchDir}fake-upstream.mjs`,
  );
  const upstreamOrigin = `http://127.0.0.1:${direct.port}`;
  const floor = await forkHelper(
    'floor proxy',
    `${benchDir}floor-proxy.mjs`,
    { UPSTREAM_ORIGIN: upstreamOrigin },
    GC_PROBE_ARGS,
  );
  const gateway = await startGateway({
    cwd: config.gatewayDir,
    upstreamBaseUrl: `${upstreamOrigin}/v1`,
    nodeArgs: profileArgs(config, profileDir, benchDir),
    memoryProbe: true,
  });
  const portkey = await portkeyTarget(repoRoot, upstreamOrigin);
  const minimal = await minimalTarget(benchDir, upstreamOrigin);
  const targets = { direct, floor, gateway, portkey, minimal };
  const idle = new Map();
  for (const name of ['gateway', 'floor', 'portkey']) {
    if (!targets[name].error) {
      idle.set(name, await idleRss(targets[name]));
    }
  }
  return { targets, idle };
}
