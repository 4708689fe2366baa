// Preloaded (with --expose-gc) into every process whose memory the bench
// reports: on a `{ type: 'gc' }` message over IPC it runs a full garbage
// collection and answers with its RSS, so "idle RSS" means the same for the
// gateway, the floor and the peer. The channel is unref'd: it must not keep a
// process alive that is shutting down.
//
// A full collection first, then V8's last-resort one (what it runs under
// memory pressure), which also gives back the pages a collection freed: a
// plain gc() leaves them pooled on Node 22, whose gateway then read 125 MiB
// at rest against 91 MiB after a last-resort collection; left alone, V8's
// memory reducer (8 s after start) brought it to 92 MiB. Node 20's V8 knows
// no `flavor`, and takes the options object for a minor collection: there
// the full gc() does the work, and the RSS is what it was before.
process.on('message', (message) => {
  if (message?.type === 'gc') {
    globalThis.gc?.();
    globalThis.gc?.({
      type: 'major',
      execution: 'sync',
      flavor: 'last-resort',
    });
    process.send?.({ type: 'gc-done', rss: process.memoryUsage.rss() });
  }
});
process.channel?.unref();
