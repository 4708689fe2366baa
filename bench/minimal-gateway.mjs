/**
 * A reference, not a product: the least a gateway does per request, on the
 * gateway's own stack (Fastify, undici, prom-client), and nothing else. Its
 * rows bound the `÷ floor` targets of issue #19: what any gateway with these
 * parts costs over the floor before it does a gateway's own work (auth and
 * limits, routing and fallback, validation, MCP tools, the decoders,
 * Responses).
 *
 * Per request:
 * - a request id (the client's `x-request-id` or a random UUID), echoed;
 * - a request context in an AsyncLocalStorage, as every log line of a
 *   request names its request (the gateway's request-context.ts);
 * - requests counted and timed by route, method and status, and the
 *   upstream call timed (prom-client, as the gateway's metrics);
 * - the JSON body parsed (Fastify) and the model checked to be a string;
 * - the upstream call made through one keep-alive undici Pool, cancelled
 *   when the client goes away (an abort signal the response's 'close'
 *   fires);
 * - a non-streamed answer parsed and serialised again (a gateway reads its
 *   usage); a stream piped back as the upstream wrote it.
 *
 * Started by run.mjs like the floor: it listens on 127.0.0.1 on a free
 * port, sends `{ port }` to the parent, and exits when the parent goes away.
 * instructions.mjs counts the instructions of its requests too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Fastify from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { Pool } from 'undici';

const UPSTREAM_PATH = '/v1/chat/completions';
const SAFE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

const pool = new Pool(process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1', {
  keepAliveTimeout: 30_000,
});
const requestContext = new AsyncLocalStorage();

const registry = new Registry();
const requestLabels = ['route', 'method', 'status'];
const requests = new Counter({
  name: 'requests_total',
  help: 'Requests by route, method and status.',
  labelNames: requestLabels,
  registers: [registry],
});
const requestSeconds = new Histogram({
  name: 'request_duration_seconds',
  help: 'Request duration by route, method and status.',
  labelNames: requestLabels,
  registers: [registry],
});
const upstreamSeconds = new Histogram({
  name: 'upstream_call_seconds',
  help: 'Upstream call duration by model and outcome.',
  labelNames: ['model', 'outcome'],
  registers: [registry],
});

const app = Fastify({
  logger: false,
  genReqId: (req) => {
    const incoming = req.headers['x-request-id'];
    return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
      ? incoming
      : randomUUID();
  },
});

app.addHook('onRequest', (request, reply, done) => {
  const startedAt = performance.now();
  const raw = reply.raw;
  void reply.header('x-request-id', request.id);
  raw.once('close', () => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: raw.writableFinished ? `${raw.statusCode}` : '499',
    };
    requests.inc(labels);
    requestSeconds.observe(labels, (performance.now() - startedAt) / 1000);
  });
  requestContext.run({ reqId: request.id }, done);
});

app.post(UPSTREAM_PATH, async (request, reply) => {
  const body = request.body;
  if (typeof body?.model !== 'string') {
    return reply.code(400).send({
      error: {
        message: 'model must be a string',
        type: 'invalid_request_error',
      },
    });
  }
  // undici takes an EventEmitter as a request's signal: cheaper than an AbortController.
  const cancel = new EventEmitter();
  const onClose = () => {
    if (!reply.raw.writableFinished) {
      cancel.emit('abort');
    }
  };
  reply.raw.once('close', onClose);
  const startedAt = performance.now();
  const answer = await pool.request({
    path: UPSTREAM_PATH,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: cancel,
  });
  // The client's model names a series: unbounded, as a reference may be
  // (the gateway bounds its labels).
  const observeCall = (outcome) =>
    upstreamSeconds.observe(
      { model: body.model, outcome },
      (performance.now() - startedAt) / 1000,
    );
  const outcome = answer.statusCode < 400 ? 'ok' : 'error';
  void reply.code(answer.statusCode);
  if (body.stream === true) {
    // 'close' comes however the stream ends; 'end' only when it was read whole.
    answer.body.once('close', () =>
      observeCall(answer.body.readableEnded ? outcome : 'aborted'),
    );
    return reply
      .header('content-type', answer.headers['content-type'])
      .send(answer.body);
  }
  const completion = JSON.parse(await answer.body.text());
  observeCall(outcome);
  return reply
    .header('content-type', 'application/json')
    .send(JSON.stringify(completion));
});

// MINIMAL_PORT: a fixed port, for a minimal gateway started without IPC (instructions.mjs).
app
  .listen({ port: Number(process.env.MINIMAL_PORT ?? 0), host: '127.0.0.1' })
  .then(() => {
    process.send?.({ port: app.server.address().port });
  });
process.on('disconnect', () => process.exit(0));
