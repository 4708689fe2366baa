// Preloaded (with --expose-gc) into every process whose memory the bench
// reports: on a `{ type: 'gc' }` message over IPC it runs a full garbage
// collection and answers with its RSS, so "idle RSS" means the same for the
// gateway, the floor and the peer. The channel is unref'd: it must not keep a
// process alive that is shutting down.
process.on('message', (message) => {
  if (message?.type === 'gc') {
    globalThis.gc?.();
    process.send?.({ type: 'gc-done', rss: process.memoryUsage.rss() });
  }
});
process.channel?.unref();
