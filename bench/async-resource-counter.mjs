/**
 * Preloaded (`--import`) into a process that bench/async-resources.mjs
 * measures: counts the async resources it creates (promises, ticks, timers,
 * …) by type, between SIGUSR1 (start afresh) and SIGUSR2 (print the counts
 * on stderr as one `ASYNC_RESOURCES {json}` line). The hook itself turns on
 * Node's promise hooks, so the process runs slower while it is loaded: the
 * counts, not the timings, are the result.
 */
import { createHook } from 'node:async_hooks';

const counts = new Map();
let counting = false;

createHook({
  init(_id, type) {
    if (counting) {
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
  },
}).enable();

process.on('SIGUSR1', () => {
  counts.clear();
  counting = true;
});
process.on('SIGUSR2', () => {
  counting = false;
  console.error(
    `ASYNC_RESOURCES ${JSON.stringify(Object.fromEntries(counts))}`,
  );
});
