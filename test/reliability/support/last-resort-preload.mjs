// Preloaded (`node --import`) into dist/main.js by last-resort.e2e-spec.ts.
// On SIGUSR2 it raises, from a timer and so outside any request's own error
// handling, the fault LAST_RESORT_FAULT names: `uncaught` throws (an
// uncaught exception), `rejection` rejects a promise nobody awaits (an
// unhandled rejection). This is what a bug in a library callback looks like
// to the process; only main.ts's last-resort handlers can see it.
const fault = process.env.LAST_RESORT_FAULT;

process.on('SIGUSR2', () => {
  setTimeout(() => {
    if (fault === 'rejection') {
      void Promise.reject(new Error('injected unhandled rejection'));
      return;
    }
    if (fault === 'uncaught') {
      throw new Error('injected uncaught exception');
    }
  }, 0);
});
