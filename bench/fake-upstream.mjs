/**
 * A fast scripted Chat Completions upstream for the benchmark (node:http, no
 * framework). Everything it sends is built once and cached, so the proxy in
 * front of it, not this process, is what a run measures.
 *
 * - POST /v1/chat/completions, non-streaming: a small chat.completion.
 * - POST /v1/chat/completions, `"stream": true`: N chat.completion.chunk
 *   frames (a role chunk, text chunks, a finish chunk), a usage chunk when
 *   `stream_options.include_usage`, then `data: [DONE]`. N is the body's
 *   `bench_chunks`, else a model named `…chunks-<N>`, else 200. A model
 *   whose name holds `agent` gets the agent-shaped reply of
 *   agent-workload.mjs instead (reasoning, text, then a tool call).
 *   Each frame is its own write, written as fast as the socket takes it,
 *   unless the body's `bench_interval_ms` or a model named `…paced-<M>-…`
 *   asks for M ms between two frames (load.mjs: a real model's pace).
 * - GET /v1/models: a model list.
 *
 * The wire shape (upstream-shapes.mjs) is OpenAI's own by default, vLLM's
 * when the model name holds `vllm` or the query says `?shape=vllm`: the
 * model name is what reaches the upstream through every proxy, since
 * request mappings may drop unknown fields.
 *
 * Started by run.mjs with an IPC channel: it listens on 127.0.0.1 on a free
 * port, sends `{ port }` to the parent, and exits when the parent goes away.
 */
import { once } from 'node:events';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_REPLY } from './agent-workload.mjs';
import { completionBody, streamFrames } from './upstream-shapes.mjs';

const DEFAULT_CHUNKS = 200;
const MAX_CHUNKS = 100_000;
const COMPLETION_TEXT = 'Hello from the bench.';
const COMPLETION_USAGE = { promptTokens: 12, completionTokens: 5 };

const MODELS_BODY = JSON.stringify({
  object: 'list',
  data: ['bench-model', 'bench-model-large'].map((id) => ({
    id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'bench',
  })),
});

/** Cached bodies and frame lists, by everything that shapes them. */
const cache = new Map();

function cached(key, build) {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

/** A plain-text reply of `count` chunks: the role chunk, text, the finish chunk. */
function textScript(count) {
  const parts = [{ kind: 'role' }];
  for (let i = 1; i < count - 1; i += 1) {
    parts.push({ kind: 'content', text: `tok${i} ` });
  }
  return {
    parts,
    finishReason: 'stop',
    promptTokens: 12,
    completionTokens: count,
  };
}

function shapeOf(request, query) {
  return query.includes('shape=vllm') ||
    String(request.model ?? '').includes('vllm')
    ? 'vllm'
    : 'openai';
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
  return Math.min(Math.max(count, 2), MAX_CHUNKS);
}

/** The frames of one streamed answer, built once per shape, reply and stream options. */
function framesFor(request, model, shape) {
  const options = {
    includeUsage: request.stream_options?.include_usage === true,
    obfuscate: request.stream_options?.include_obfuscation !== false,
  };
  const agent = model.includes('agent');
  const count = agent ? 0 : chunkCount(request);
  const key = [shape, model, count, options.includeUsage, options.obfuscate];
  return cached(key.join('\u0000'), () =>
    streamFrames(
      shape,
      agent ? AGENT_REPLY : textScript(count),
      model,
      options,
    ),
  );
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
    const shape = shapeOf(request, req.url ?? '');
    if (request.stream === true) {
      await writeStream(
        res,
        framesFor(request, model, shape),
        frameInterval(request),
      );
      return;
    }
    sendJson(
      res,
      200,
      cached(`${shape}\u0000${model}`, () =>
        completionBody(shape, model, COMPLETION_TEXT, COMPLETION_USAGE),
      ),
    );
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
