/**
 * Summarises a V8 .cpuprofile (as written by BENCH_PROFILE=1): self time by
 * function and by source (package or dist file), heaviest first.
 *
 *   node bench/profile-summary.mjs bench/.tmp/profiles/<file>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-summary.mjs <file.cpuprofile> [top]\n',
  );
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Each sample names the node that was on top of the stack; timeDeltas[i] is
// the time since the previous sample.
const selfMicros = new Map();
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** Where a function comes from: an npm package, a dist/ file, or a V8/Node bucket. */
function source(url) {
  if (!url) {
    return '(native / V8)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    return pkg[1];
  }
  if (url.startsWith('node:')) {
    return url;
  }
  const dist = /\/dist\/(.+)$/.exec(url);
  return dist ? `dist/${dist[1]}` : url;
}

const byFunction = new Map();
const bySource = new Map();
let total = 0;
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  total += micros;
  const frame = node.callFrame;
  const where = source(frame.url);
  const name = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  bySource.set(where, (bySource.get(where) ?? 0) + micros);
}

function print(title, map) {
  process.stdout.write(`\n${title}\n`);
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, micros] of rows) {
    const share = ((micros / total) * 100).toFixed(1).padStart(5);
    process.stdout.write(
      `${share}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}\n`,
    );
  }
}

process.stdout.write(`total sampled: ${(total / 1000).toFixed(0)} ms\n`);
print('self time by source', bySource);
print('self time by function', byFunction);
