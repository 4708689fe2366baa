import type { ServerResponse } from 'node:http';
import { chunk, textStream } from '../../support/chat-chunks.js';
import { sseDataOf } from './answers.js';
import {
  pauseWhileOpen,
  pieces,
  repeatUntilClosed,
  writeLazily,
  type LazyScript,
} from './lazy-upstream.js';

// Scripts of LazyUpstream for the upstream size and time limit specs.

export const MiB = 1024 * 1024;
/** What a runaway upstream would send: far more than any limit. */
export const HUGE_BYTES = 200 * MiB;
const PIECE_BYTES = 64 * 1024;

/** A chat request and a Responses request, streamed or not. */
export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: 'fake-model',
    messages: [{ role: 'user', content: 'hi' }],
    stream,
  });
}
export function responsesBody(stream: boolean): string {
  return JSON.stringify({ model: 'fake-model', input: 'hi', stream });
}

export const sseFrame = (data: unknown): string =>
  `data: ${JSON.stringify(data)}\n\n`;

/** The first chunk of an answer, complete: the client has its first event. */
export const FIRST_CHUNK = sseFrame(
  chunk({ role: 'assistant', content: 'Hi' }),
);

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
}

/** A normal short streamed answer. */
export const normalAnswer: LazyScript = async (res, call) => {
  startSse(res);
  const text = textStream(['Hello', ' there']).map(sseFrame).join('');
  await writeLazily(res, call, once(`${text}data: [DONE]\n\n`));
  res.end();
};

/** `prefix`, then one SSE line of HUGE_BYTES that never ends. */
export function hugeLineAfter(prefix: string): LazyScript {
  return async (res, call) => {
    startSse(res);
    await writeLazily(res, call, once(prefix));
    await writeLazily(
      res,
      call,
      pieces(
        'data: {"choices":[{"index":0,"delta":{"content":"',
        HUGE_BYTES / PIECE_BYTES,
      ),
    );
  };
}

/** A non-streamed completion of HUGE_BYTES, chunked, without content-length. */
export const hugeJsonBody: LazyScript = async (res, call) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  await writeLazily(
    res,
    call,
    pieces(
      '{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
      HUGE_BYTES / PIECE_BYTES,
    ),
  );
};

/** A body that announces HUGE_BYTES, sends one piece, then waits. */
export const hugeDeclaredBody: LazyScript = async (res, call) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(HUGE_BYTES),
  });
  await writeLazily(res, call, pieces('{"id":"c","choices":[', 1));
  await pauseWhileOpen(res, 30_000);
};

/** Valid 16 KiB text chunks, as many as the gateway takes. */
export const endlessChunks: LazyScript = async (res, call) => {
  startSse(res);
  const frame = sseFrame(chunk({ content: 'y'.repeat(16 * 1024) }));
  await writeLazily(res, call, () => frame);
};

/** `prefix`, then a byte of an unfinished event every 50 ms, forever. */
export function trickleAfter(prefix: string): LazyScript {
  return async (res, call) => {
    startSse(res);
    await writeLazily(res, call, once(`${prefix}data: {"choices":`));
    await repeatUntilClosed(res, call, () => ' ', 50);
  };
}

/** A non-streamed completion trickled a byte every 50 ms, forever. */
export const trickledJsonBody: LazyScript = async (res, call) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  await writeLazily(res, call, once('{"id":"c","choices":'));
  await repeatUntilClosed(res, call, () => ' ', 50);
};

/** Nothing but SSE comments, every 50 ms, forever. */
export const commentsOnly: LazyScript = async (res, call) => {
  startSse(res);
  await repeatUntilClosed(res, call, () => ': ping\n\n', 50);
};

/** A complete text chunk every `everyMs`, `count` times, then the end. */
export function steadyChunks(count: number, everyMs: number): LazyScript {
  return async (res, call) => {
    startSse(res);
    for (let i = 0; i < count && !res.destroyed; i++) {
      await writeLazily(res, call, once(sseFrame(chunk({ content: `${i} ` }))));
      await pauseWhileOpen(res, everyMs);
    }
    const end = textStream([]).slice(1).map(sseFrame).join('');
    await writeLazily(res, call, once(`${end}data: [DONE]\n\n`));
    res.end();
  };
}

/** Holds the answer back for `ms`, then runs `then`. */
export function after(ms: number, then: LazyScript): LazyScript {
  return async (res, call) => {
    await pauseWhileOpen(res, ms);
    if (!res.destroyed) {
      await then(res, call);
    }
  };
}

/** A 429 with an OpenAI error body. */
export const rateLimited: LazyScript = (res) => {
  res.writeHead(429, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      error: { message: 'slow down', type: 'rate_limit', code: null },
    }),
  );
  return Promise.resolve();
};

/** The JSON events of an SSE body; comments and `[DONE]` left out. */
export function eventsOf(text: string): Record<string, any>[] {
  return sseDataOf(text)
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, any>);
}

/** A piece source that yields `text` once. */
function once(text: string): () => string | undefined {
  let done = false;
  return () => {
    if (done) {
      return undefined;
    }
    done = true;
    return text;
  };
}
