// Preloaded into a built gateway by idle-modules.e2e-spec.ts: on SIGUSR2 it
// writes, as JSON lines on stderr, the npm packages loaded so far and their
// files (relative to the first node_modules/: a nested package counts as the
// one that holds it), from
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

/** The loaded files under node_modules/, as paths from there. */
function loadedFiles() {
  const files = new Set();
  for (const file of [...Object.keys(cache), ...esModules]) {
    const at = file.indexOf('node_modules/');
    if (at >= 0) {
      files.add(file.slice(at + 'node_modules/'.length));
    }
  }
  return [...files].sort();
}

function loadedPackages(files) {
  const names = new Set();
  for (const file of files) {
    names.add(/^((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]);
  }
  names.delete(undefined);
  return [...names].sort();
}

process.on('SIGUSR2', () => {
  const files = loadedFiles();
  process.stderr.write(
    `LOADED_PACKAGES ${JSON.stringify(loadedPackages(files))}\n` +
      `LOADED_FILES ${JSON.stringify(files)}\n`,
  );
});
