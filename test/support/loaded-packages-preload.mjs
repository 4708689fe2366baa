// Preloaded into a built gateway by idle-modules.e2e-spec.ts: on SIGUSR2 it
// writes, as one JSON line on stderr, the npm packages loaded so far, from
// the CommonJS require cache (shared by every CommonJS module) and from the
// ES modules a resolve hook saw (loaded-packages-hooks.mjs).
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const cache = createRequire(import.meta.url).cache;
const esModules = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => esModules.add(url));
port1.unref();
register('./loaded-packages-hooks.mjs', {
  parentURL: import.meta.url,
  data: { port: port2 },
  transferList: [port2],
});

function loadedPackages() {
  const names = new Set();
  for (const file of [...Object.keys(cache), ...esModules]) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) {
      names.add(match[1]);
    }
  }
  return [...names].sort();
}

process.on('SIGUSR2', () => {
  process.stderr.write(`LOADED_PACKAGES ${JSON.stringify(loadedPackages())}\n`);
});
