/**
 * A fast scripted Chat Completions upstream for the benchmark (node:http, no
 * framework). Everything it sends is built once and cached, so the gateway,
 * not this process, is what a run measures.
 *
 * - POST /v1/chat/completions, non-streaming: a small fixed chat.completion.
 * - POST /v1/chat/completions, `"stream": true`: N chat.completion.chunk
 *   frames (the last with finish_reason), a usage chunk, then `data: [DONE]`.
 *   N is the body's `bench_chunks`, else a model named `…chunks-<N>`, else 200.
 *   Each frame is its own write, written as fast as the socket takes it,
 *   unless the body's `bench_interval_ms` or a model named `…paced-<M>-…`
 *   asks for M ms between two frames (load.mjs: a real model's pace).
 * - GET /v1/models: a model list.
 *
 * Started by run.mjs with an IPC channel: it listens on 127.0.0.1 on a free
 * port, sends `{ port }` to the parent, and exits when the parent goes away.
 */
import { once } from 'node:events';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const DEFAULT_CHUNKS = 200;
const MAX_CHUNKS = 100_000;
const CREATED = 1_700_000_000;

const MODELS_BODY = JSON.stringify({
  object: 'list',
  data: ['bench-model', 'bench-model-large'].map((id) => ({
    id,
    object: 'model',
    created: CREATED,
    owned_by: 'bench',
  })),
});

/** Cached response bodies: completions per model, streams per model + N. */
const completions = new Map();
const streams = new Map();

function completionBody(model) {
  let body = completions.get(model);
  if (!body) {
    body = JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello from the bench.' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    });
    completions.set(model, body);
  }
  return body;
}

function chunkFrame(model, delta, finishReason) {
  const chunk = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The frames of one streamed answer of `count` chunks, built once per key. */
function streamFrames(model, count) {
  const key = `${model}\u0000${count}`;
  let frames = streams.get(key);
  if (!frames) {
    frames = [];
    for (let i = 0; i < count; i += 1) {
      const last = i === count - 1;
      const delta = last
        ? {}
        : i === 0
          ? { role: 'assistant', content: 'tok0 ' }
          : { content: `tok${i} ` };
      frames.push(chunkFrame(model, delta, last ? 'stop' : null));
    }
    const usage = {
      id: 'chatcmpl-bench',
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: count,
        total_tokens: 12 + count,
      },
    };
    frames.push(`data: ${JSON.stringify(usage)}\n\n`, 'data: [DONE]\n\n');
    streams.set(key, frames);
  }
  return frames;
}

/** Milliseconds between two frames: `bench_interval_ms`, else `paced-<M>` in the model, else 0. */
function frameInterval(request) {
  const fromBody = Number(request.bench_interval_ms);
  const fromModel = /paced-(\d+)/.exec(String(request.model ?? ''))?.[1];
  const interval =
    Number.isFinite(fromBody) && fromBody > 0
      ? fromBody
      : Number(fromModel ?? 0);
  return Math.min(Math.max(interval, 0), 10_000);
}

function chunkCount(request) {
  const fromBody = Number(request.bench_chunks);
  const fromModel = /chunks-(\d+)$/.exec(String(request.model ?? ''))?.[1];
  const count =
    Number.isInteger(fromBody) && fromBody > 0
      ? fromBody
      : Number(fromModel ?? DEFAULT_CHUNKS);
  return Math.min(Math.max(count, 1), MAX_CHUNKS);
}

async function readJson(req) {
  const parts = [];
  for await (const part of req) {
    parts.push(part);
  }
  return JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
}

async function writeStream(res, frames, intervalMs = 0) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  for (const frame of frames) {
    if (res.destroyed) {
      return;
    }
    if (!res.write(frame)) {
      await once(res, 'drain');
    }
    if (intervalMs > 0) {
      await sleep(intervalMs);
    }
  }
  res.end();
}

function sendJson(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function handle(req, res) {
  const path = req.url?.split('?')[0];
  if (req.method === 'GET' && path === '/v1/models') {
    sendJson(res, 200, MODELS_BODY);
    return;
  }
  if (req.method === 'POST' && path === '/v1/chat/completions') {
    const request = await readJson(req);
    const model =
      typeof request.model === 'string' ? request.model : 'bench-model';
    if (request.stream === true) {
      await writeStream(
        res,
        streamFrames(model, chunkCount(request)),
        frameInterval(request),
      );
      return;
    }
    sendJson(res, 200, completionBody(model));
    return;
  }
  sendJson(
    res,
    404,
    JSON.stringify({
      error: {
        message: `no route ${req.method} ${path}`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
  );
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (!res.headersSent) {
      sendJson(
        res,
        400,
        JSON.stringify({
          error: {
            message: String(error),
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        }),
      );
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
