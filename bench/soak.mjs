/**
 * `npm run bench:soak`: 50,000 requests through the built gateway at moderate
 * concurrency, mixed in equal parts: chat non-streaming, chat streaming,
 * Responses streaming and Responses non-streaming. The gateway's RSS is read
 * after every 5,000 requests; the target is an end value at most 1.1× the
 * value after the first 5,000 (no leak). Writes the "soak" section of
 * bench/LOAD-RESULTS.md.
 *
 * Settings (environment): SOAK_REQUESTS (50000), SOAK_CONCURRENCY (32),
 * SOAK_CHUNKS (20), LOAD_GATEWAY_DIR / LOAD_PRIVATE_BUILD (see load-support.mjs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
import {
  forkHelper,
  installCleanup,
  startGateway,
  stopAll,
} from './processes.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const TOTAL = Number(process.env.SOAK_REQUESTS ?? 50_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const CHUNKS = Number(process.env.SOAK_CHUNKS ?? 20);
const CHECKPOINT = 5_000;
const GROWTH_TARGET = 1.1;
/** Idle time after the last answer before the "settled" RSS reading. */
const SETTLE_MS = 5_000;

const model = `bench-chunks-${CHUNKS}`;
const messages = [{ role: 'user', content: 'hi' }];

/** The four kinds of request, each with how to tell its answer is whole. */
const KINDS = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    body: JSON.stringify({ model, messages }),
    complete: (text) => text.includes('"chat.completion"'),
  },
  {
    name: 'chat stream',
    path: '/v1/chat/completions',
    body: JSON.stringify({ model, messages, stream: true }),
    complete: (text) => text.endsWith('data: [DONE]\n\n'),
  },
  {
    name: 'responses stream',
    path: '/v1/responses',
    body: JSON.stringify({ model, input: 'hi', stream: true }),
    complete: (text) => text.includes('event: response.completed\n'),
  },
  {
    name: 'responses',
    path: '/v1/responses',
    body: JSON.stringify({ model, input: 'hi' }),
    complete: (text) => text.includes('"status":"completed"'),
  },
];

async function once(pool, kind) {
  const started = performance.now();
  const response = await pool.request({
    path: kind.path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: kind.body,
  });
  const text = await response.body.text();
  const elapsedMs = performance.now() - started;
  if (response.statusCode !== 200) {
    return { error: `${kind.name}: HTTP ${response.statusCode}` };
  }
  return kind.complete(text)
    ? { elapsedMs }
    : { error: `${kind.name}: incomplete answer` };
}

async function main() {
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
    connections: CONCURRENCY,
    keepAliveTimeout: 30_000,
  });
  try {
    for (const kind of KINDS) {
      const sample = await once(pool, kind);
      if (sample.error) {
        throw new Error(`sample request failed: ${sample.error}`);
      }
    }
    const rssStart = rssMiB(gateway.pid);
    const rss = sampleRss(gateway.pid);
    let windowStart = 0;
    const meter = cpuMeter(gateway.pid, [
      process.pid,
      upstream.pid,
      gateway.pid,
    ]);
    const latencies = new Map(KINDS.map((kind) => [kind.name, []]));
    const errors = new Map();
    const checkpoints = [];
    let issued = 0;
    let done = 0;
    const started = Date.now();
    console.log(`soak: ${TOTAL} requests at concurrency ${CONCURRENCY}`);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < TOTAL) {
          const kind = KINDS[issued++ % KINDS.length];
          let result;
          try {
            result = await once(pool, kind);
          } catch (error) {
            result = { error: `${kind.name}: ${error.code ?? error.message}` };
          }
          if (result.error) {
            errors.set(result.error, (errors.get(result.error) ?? 0) + 1);
          } else {
            latencies.get(kind.name).push(result.elapsedMs);
          }
          done++;
          if (done % CHECKPOINT === 0) {
            // The window's samples show the GC sawtooth: its floor is what stays.
            const window = rss.samples().slice(windowStart);
            windowStart += window.length;
            const point = {
              requests: done,
              seconds: (Date.now() - started) / 1000,
              rss: rssMiB(gateway.pid),
              low: Math.min(...window),
              high: Math.max(...window),
            };
            checkpoints.push(point);
            console.log(
              `  ${done} requests, ${point.seconds.toFixed(0)} s, RSS ${mib(point.rss)} MiB`,
            );
          }
        }
      }),
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const cpu = meter();
    const { peak } = rss.stop();
    const first = checkpoints[0]?.rss ?? Number.NaN;
    const end = rssMiB(gateway.pid);
    await sleep(SETTLE_MS);
    const settled = rssMiB(gateway.pid);
    const figures = {
      rssStart,
      first,
      end,
      settled,
      peak,
      wallSeconds,
      ...cpu,
    };
    console.log(figures, errors);
    const path = writeSection(
      'soak',
      report(figures, checkpoints, latencies, errors, gateway.logCounts),
    );
    console.log(`wrote ${path}`);
  } finally {
    await pool.close();
    await stopAll();
  }
}

function report(f, checkpoints, latencies, errors, logCounts) {
  const ratio = f.end / f.first;
  const settledRatio = f.settled / f.first;
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const kinds = [...latencies].map(([name, values]) => {
    values.sort((a, b) => a - b);
    return `| ${name} | ${values.length.toLocaleString('en-US')} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} |`;
  });
  const points = checkpoints.map(
    (p) =>
      `| ${p.requests.toLocaleString('en-US')} | ${p.seconds.toFixed(0)} | ${mib(p.rss)} | ${mib(p.low)} | ${mib(p.high)} |`,
  );
  const log = [...logCounts].map(([key, count]) => `  - ${count} × ${key}`);
  return `## Soak: ${TOTAL.toLocaleString('en-US')} mixed requests

- Date: ${new Date().toISOString()}
- Machine: ${machineLine()}
- Other load during the run: ${f.otherLoadPercent.toFixed(0)}% of all cores (load average ${f.loadAverage}).
- Setup: the built gateway (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`; ${gatewayOptionsNote()}) and bench/fake-upstream.mjs as child processes; ${CONCURRENCY} connections (undici Pool) sending chat non-streaming, chat streaming, Responses streaming and Responses non-streaming in turn (${CHUNKS} chunks per stream), as fast as the gateway answers, ${TOTAL.toLocaleString('en-US')} requests in ${f.wallSeconds.toFixed(0)} s (${(TOTAL / f.wallSeconds).toFixed(0)} req/s); CPU as a share of one core: gateway ${f.gatewayCpuPercent.toFixed(0)}%, fake upstream ${f.ownCpuPercent[1].toFixed(0)}%, this client ${f.ownCpuPercent[0].toFixed(0)}%.

| figure | value | target |
| --- | --- | --- |
| errors | ${errorCount} | 0 ${errorCount === 0 ? '✅' : '❌'} |
| gateway RSS before the soak | ${mib(f.rssStart)} MiB | |
| RSS after the first ${CHECKPOINT.toLocaleString('en-US')} requests | ${mib(f.first)} MiB | |
| RSS at the last answer | ${mib(f.end)} MiB (${ratio.toFixed(2)}×) | ≤ ${GROWTH_TARGET}× ${ratio <= GROWTH_TARGET ? '✅' : '❌'} |
| RSS ${SETTLE_MS / 1000} s after the last answer | ${mib(f.settled)} MiB (${settledRatio.toFixed(2)}×) | ≤ ${GROWTH_TARGET}× ${settledRatio <= GROWTH_TARGET ? '✅' : '❌'} |
| peak RSS (sampled every 250 ms) | ${mib(f.peak)} MiB | |

RSS at each checkpoint, and the lowest and highest sample since the previous one (the garbage collector's sawtooth: a leak raises the lows).

| requests | s | RSS MiB | low | high |
| --- | --- | --- | --- | --- |
${points.join('\n')}

| kind | answers | p50 ms | p99 ms |
| --- | --- | --- | --- |
${kinds.join('\n')}
${errors.size ? `\nErrors:\n${[...errors].map(([e, c]) => `  - ${c} × ${e}`).join('\n')}\n` : ''}
Gateway log (LOG_LEVEL=warn): ${log.length ? `\n${log.join('\n')}` : 'nothing.'}
`;
}

await main();
