/**
 * The floor every ratio of the bench is taken against: the simplest fast
 * proxy a Node user would write. node:http in; out, one keep-alive
 * undici Pool per upstream origin (there is one, UPSTREAM_ORIGIN);
 * `pool.request` with the client's method, path, headers and body stream;
 * the answer's status and headers copied, its body piped back unparsed.
 * Hop-by-hop headers are dropped both ways. No URL object per request, no
 * stream/promises pipeline, no Agent: each of those costs a few percent.
 *
 * Started by run.mjs with an IPC channel: it listens on 127.0.0.1 on a free
 * port, sends `{ port }` to the parent, and exits when the parent goes away.
 */
import http from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1', {
  keepAliveTimeout: 30_000,
});

// Hop-by-hop headers (RFC 9110 §7.6.1), and host, which the pool sets.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function endToEnd(headers) {
  const kept = {};
  for (const name in headers) {
    if (!HOP_BY_HOP.has(name)) {
      kept[name] = headers[name];
    }
  }
  return kept;
}

function fail(res) {
  if (res.headersSent) {
    res.destroy();
  } else {
    res.writeHead(502).end();
  }
}

const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool
    .request({
      path: req.url,
      method: req.method,
      headers: endToEnd(req.headers),
      body: hasBody ? req : null,
    })
    .then(
      ({ statusCode, headers, body }) => {
        res.writeHead(statusCode, endToEnd(headers));
        body.on('error', () => fail(res));
        // A client that goes away must not leave the upstream stream running.
        res.on('close', () => body.destroy());
        body.pipe(res);
      },
      () => fail(res),
    );
});
server.keepAliveTimeout = 60_000;
// FLOOR_PORT: a fixed port, for a floor started without IPC (instructions.mjs).
server.listen(Number(process.env.FLOOR_PORT ?? 0), '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('disconnect', () => process.exit(0));
