/**
 * The floor for a Node proxy: node:http in, undici out, no parsing. It
 * forwards method, path, headers and body to UPSTREAM_ORIGIN and streams the
 * answer back as it arrives. Started by run.mjs with an IPC channel: it
 * listens on 127.0.0.1 on a free port and sends `{ port }` to the parent.
 */
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';

const upstream = new URL(process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1');
const agent = new Agent({ keepAliveTimeout: 30_000 });

// Hop-by-hop headers (RFC 9110 §7.6.1) and those undici sets itself.
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
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) {
      kept[name] = value;
    }
  }
  return kept;
}

async function forward(req, res) {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const answer = await request(new URL(req.url ?? '/', upstream), {
    dispatcher: agent,
    method: req.method,
    headers: endToEnd(req.headers),
    body: hasBody ? req : null,
  });
  res.writeHead(answer.statusCode, endToEnd(answer.headers));
  await pipeline(answer.body, res);
}

const server = http.createServer((req, res) => {
  forward(req, res).catch(() => {
    if (!res.headersSent) {
      res.writeHead(502).end();
    } else {
      res.destroy();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('disconnect', () => process.exit(0));
