/**
 * `npm run bench:load`: 1,000 concurrent streaming POST /v1/responses through
 * the built gateway for 60 s, against the bench's fake upstream pacing each
 * stream like a model (50 chunks, 20 ms apart, so every stream lasts about
 * a second and 1,000 of them are really open at once). Reports completed
 * streams, errors, time to the first event (p50/p99), stream duration and
 * the gateway's peak RSS (VmRSS every 250 ms). Then the same load again
 * while an attacker floods large bodies (load-attack.mjs): the ordinary
 * streams must all finish. Writes the "load" section of
 * bench/LOAD-RESULTS.md with both.
 *
 * Settings (environment): LOAD_CONNECTIONS (1000), LOAD_SECONDS (60),
 * LOAD_WARMUP_SECONDS (5), LOAD_CHUNKS (50), LOAD_INTERVAL_MS (20),
 * LOAD_GATEWAY_DIR / LOAD_PRIVATE_BUILD (see load-support.mjs).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  cpuMeter,
  gatewayDir,
  gatewayEnv,
  gatewayOptionsNote,
  machineLine,
  mib,
  ms,
  percentile,
  rssMiB,
  sampleRss,
  writeSection,
} from './load-support.mjs';
import { attackLines, flood } from './load-attack.mjs';
import {
  forkHelper,
  installCleanup,
  startGateway,
  stopAll,
} from './processes.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 1000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.LOAD_WARMUP_SECONDS ?? 5);
const CHUNKS = Number(process.env.LOAD_CHUNKS ?? 50);
const INTERVAL_MS = Number(process.env.LOAD_INTERVAL_MS ?? 20);
const RSS_TARGET_MIB = 300;

// The mapping drops unknown fields, so the pacing travels in the model name.
const BODY = JSON.stringify({
  model: `bench-paced-${INTERVAL_MS}-chunks-${CHUNKS}`,
  input: 'hi',
  stream: true,
});
// The first frame opens the message and the last one finishes it: CHUNKS - 2
// frames carry text.
const EXPECTED_DELTAS = CHUNKS - 2;

const DELTA = 'event: response.output_text.delta\n';
const COMPLETED = 'event: response.completed\n';

/** Counts `needle` in a stream of text pieces, across piece boundaries. */
function counter(needle) {
  let carry = '';
  let count = 0;
  return {
    feed(piece) {
      const text = carry + piece;
      count += text.split(needle).length - 1;
      // Shorter than the needle: an occurrence is never counted twice.
      carry = text.slice(-(needle.length - 1));
    },
    get count() {
      return count;
    },
  };
}

/** One streamed request: time to the first event, duration, and how it ended. */
async function oneStream(pool) {
  const started = performance.now();
  let firstEventMs = Number.NaN;
  const deltas = counter(DELTA);
  const completed = counter(COMPLETED);
  const response = await pool.request({
    path: '/v1/responses',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    return { error: `HTTP ${response.statusCode}: ${text.slice(0, 80)}` };
  }
  for await (const part of response.body) {
    if (Number.isNaN(firstEventMs)) {
      firstEventMs = performance.now() - started;
    }
    const text = part.toString('utf8');
    deltas.feed(text);
    completed.feed(text);
  }
  const durationMs = performance.now() - started;
  if (completed.count !== 1) {
    return { error: 'stream ended without response.completed' };
  }
  if (deltas.count !== EXPECTED_DELTAS) {
    return { error: `${deltas.count}/${EXPECTED_DELTAS} text deltas` };
  }
  return { firstEventMs, durationMs };
}

/** Virtual users that each run streams back to back until `until`. */
async function drive(pool, users, until, onResult) {
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (Date.now() < until) {
        try {
          onResult(await oneStream(pool));
        } catch (error) {
          onResult({ error: error.code ?? error.message });
        }
      }
    }),
  );
}

/**
 * Opens all `count` connections of the pool (one GET /health on each, all at
 * once) while the gateway is idle, as a fleet of keep-alive clients holds
 * them. Connections opened later, against a saturated gateway, wait in the
 * kernel's accept queue: Node (libuv >= 1.45) accepts one connection per
 * event-loop turn, and a turn of a saturated gateway lasts tens of
 * milliseconds (see the session 13 notes in LOAD-RESULTS.md).
 */
async function openConnections(pool, count) {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await pool.request({ path: '/health', method: 'GET' });
      await response.body.dump();
    }),
  );
  const { connected } = pool.stats;
  if (connected < count) {
    throw new Error(`only ${connected} of ${count} connections opened`);
  }
  return connected;
}

/**
 * The gateway holds two sockets per stream (client and upstream) and
 * inherits this process's descriptor limit: fail early with the fix rather
 * than with EMFILE errors in the figures.
 */
function checkDescriptorLimit() {
  const limit = Number(
    execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim(),
  );
  const needed = CONNECTIONS * 2 + 500;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `ulimit -n is ${limit}; ${CONNECTIONS} connections need about ${needed}. Run \`ulimit -n ${needed}\` first.`,
    );
  }
}

/**
 * One measured phase: CONNECTIONS streams back to back for SECONDS, with
 * the attacker beside them when `attacked`; its figures.
 */
async function measure(pool, upstream, gateway, rss, attacked) {
  console.log(
    `${attacked ? 'attack' : 'load'}: ${CONNECTIONS} concurrent streams for ${SECONDS} s`,
  );
  const meter = cpuMeter(gateway.pid, [process.pid, upstream.pid, gateway.pid]);
  const firstEvent = [];
  const durations = [];
  const errors = new Map();
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const progress = setInterval(() => {
    console.log(
      `  ${Math.round((Date.now() - started) / 1000)} s: ${durations.length} streams, ${[...errors.values()].reduce((a, b) => a + b, 0)} errors, RSS ${mib(rss.current())} MiB`,
    );
  }, 10_000);
  const attack = attacked
    ? flood(`http://127.0.0.1:${gateway.port}`, until)
    : Promise.resolve(undefined);
  await drive(pool, CONNECTIONS, until, (result) => {
    if (result.error) {
      errors.set(result.error, (errors.get(result.error) ?? 0) + 1);
    } else {
      firstEvent.push(result.firstEventMs);
      durations.push(result.durationMs);
    }
  });
  const attackOutcome = await attack;
  clearInterval(progress);
  const wallSeconds = (Date.now() - started) / 1000;
  const cpu = meter();
  const { peak } = rss.stop();
  firstEvent.sort((a, b) => a - b);
  durations.sort((a, b) => a - b);
  const figures = {
    attack: attackOutcome,
    wallSeconds,
    errorsByKind: errors,
    completed: durations.length,
    errors: [...errors.values()].reduce((a, b) => a + b, 0),
    streamsPerSec: durations.length / wallSeconds,
    ttfeP50: percentile(firstEvent, 50),
    ttfeP99: percentile(firstEvent, 99),
    durationP50: percentile(durations, 50),
    durationP99: percentile(durations, 99),
    rssIdle: rss.samples()[0],
    rssPeak: peak,
    rssAfter: rssMiB(gateway.pid),
    ...cpu,
  };
  console.log(figures);
  return figures;
}

async function main() {
  checkDescriptorLimit();
  installCleanup();
  const upstream = await forkHelper(
    'fake upstream',
    `${benchDir}fake-upstream.mjs`,
  );
  const gateway = await startGateway({
    cwd: gatewayDir(),
    upstreamBaseUrl: `http://127.0.0.1:${upstream.port}/v1`,
    env: gatewayEnv(),
  });
  const pool = new Pool(`http://127.0.0.1:${gateway.port}`, {
    connections: CONNECTIONS,
    keepAliveTimeout: 30_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  try {
    const sample = await oneStream(pool);
    if (sample.error) {
      throw new Error(`sample request failed: ${sample.error}`);
    }
    const rss = sampleRss(gateway.pid);
    console.log(
      `opened ${await openConnections(pool, CONNECTIONS)} connections`,
    );
    console.log(
      `warm-up: ${WARMUP_SECONDS} s at ${Math.min(100, CONNECTIONS)} streams`,
    );
    await drive(
      pool,
      Math.min(100, CONNECTIONS),
      Date.now() + WARMUP_SECONDS * 1000,
      () => {},
    );

    const load = await measure(pool, upstream, gateway, rss, false);
    // The same load again, with a client flooding large bodies beside it.
    const attackRss = sampleRss(gateway.pid);
    const attacked = await measure(pool, upstream, gateway, attackRss, true);
    const path = writeSection(
      'load',
      [
        report(load, gateway.logCounts),
        report(attacked, gateway.logCounts),
      ].join('\n'),
    );
    console.log(`wrote ${path}`);
  } finally {
    await pool.close();
    await stopAll();
  }
}

function report(f, logCounts) {
  const errorLines = [...f.errorsByKind].map(
    ([error, count]) => `  - ${count} × ${error}`,
  );
  const log = [...logCounts].map(([key, count]) => `  - ${count} × ${key}`);
  const title = f.attack
    ? `## Attack: the same load while one client floods ${f.attack.bodyMiB} MiB bodies`
    : `## Load: ${CONNECTIONS} concurrent Responses streams`;
  return `${title}

- Date: ${new Date().toISOString()}
- Machine: ${machineLine()}
- Other load during the run: ${f.otherLoadPercent.toFixed(0)}% of all cores (load average ${f.loadAverage}). Above a few percent, other engineers' work shared the machine and the latencies are pessimistic.
- Setup: the built gateway (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`; ${gatewayOptionsNote()}) and bench/fake-upstream.mjs as child processes; ${CONNECTIONS} virtual users in this process, each on its own connection (undici Pool, ${CONNECTIONS} connections, all opened with a \`GET /health\` each before the warm-up), each sending \`POST /v1/responses\` with \`stream: true\` back to back for ${SECONDS} s${f.attack ? ', right after the load phase above' : ` after a ${WARMUP_SECONDS} s warm-up at 100 users`}. Every upstream stream is ${CHUNKS} chunks, ${INTERVAL_MS} ms apart (about ${((CHUNKS * INTERVAL_MS) / 1000).toFixed(1)} s), so the streams overlap as a model's would.
${f.attack ? `${attackLines(f.attack)}\n` : ''}- A stream counts as completed when it answered 200, carried all ${EXPECTED_DELTAS} text deltas and ended with \`response.completed\`.

| figure | value | target |
| --- | --- | --- |
| completed streams | ${f.completed.toLocaleString('en-US')} in ${f.wallSeconds.toFixed(1)} s (${f.streamsPerSec.toFixed(0)}/s) | |
| errors | ${f.errors} | 0 ${f.errors === 0 ? '✅' : '❌'} |
| time to first event, p50 / p99 | ${ms(f.ttfeP50)} / ${ms(f.ttfeP99)} ms | |
| stream duration, p50 / p99 | ${ms(f.durationP50)} / ${ms(f.durationP99)} ms | (${CHUNKS * INTERVAL_MS} ms paced) |
| gateway RSS ${f.attack ? 'at the start' : 'idle'} → peak → after | ${mib(f.rssIdle)} → ${mib(f.rssPeak)} → ${mib(f.rssAfter)} MiB | peak < ${RSS_TARGET_MIB} MiB ${f.rssPeak < RSS_TARGET_MIB ? '✅' : '❌'} |
| CPU, share of one core: gateway / fake upstream / this client | ${f.gatewayCpuPercent.toFixed(0)}% / ${f.ownCpuPercent[1].toFixed(0)}% / ${f.ownCpuPercent[0].toFixed(0)}% | |
${errorLines.length ? `\nErrors:\n${errorLines.join('\n')}\n` : ''}
Gateway log (LOG_LEVEL=warn), over the whole run: ${log.length ? `\n${log.join('\n')}` : 'nothing.'}
`;
}

await main();
