import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_MODEL_ID, demoTurn, type DemoTurn } from './demo-model.js';

/** Milliseconds between two streamed words, so the demo visibly streams. */
const WORD_DELAY_MS = 40;

/**
 * A Chat Completions server for the demo model on 127.0.0.1. It speaks the
 * same wire format as vLLM or Ollama, so the gateway treats it as any upstream.
 */
export async function startDemoUpstream(): Promise<{
  baseUrl: string;
  close(): Promise<void>;
}> {
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
    json(res, {
      object: 'list',
      data: [
        { id: DEMO_MODEL_ID, object: 'model', created: 0, owned_by: 'demo' },
      ],
    });
    return;
  }
  if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: 'not found',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      }),
    );
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const request = JSON.parse(
    Buffer.concat(chunks).toString('utf8'),
  ) as Parameters<typeof demoTurn>[0] & {
    stream?: boolean;
  };
  const turn = demoTurn(request);
  if (request.stream) {
    await stream(res, turn);
  } else {
    json(res, completionOf(turn));
  }
}

function completionOf(turn: DemoTurn): Record<string, unknown> {
  const message =
    turn.kind === 'text'
      ? {
          role: 'assistant',
          content: turn.text,
          reasoning_content: turn.reasoning,
        }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_demo',
              type: 'function',
              function: { name: turn.name, arguments: turn.arguments },
            },
          ],
        };
  return {
    id: 'chatcmpl-demo',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: DEMO_MODEL_ID,
    choices: [
      {
        index: 0,
        message,
        finish_reason: turn.kind === 'text' ? 'stop' : 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
  };
}

async function stream(res: ServerResponse, turn: DemoTurn): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
  });
  const send = (
    delta: Record<string, unknown>,
    finish: string | null = null,
  ): void => {
    res.write(
      `data: ${JSON.stringify({
        id: 'chatcmpl-demo',
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model: DEMO_MODEL_ID,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`,
    );
  };
  send({ role: 'assistant', content: '' });
  if (turn.kind === 'text') {
    if (turn.reasoning) {
      send({ reasoning_content: turn.reasoning });
    }
    for (const word of turn.text.split(/(?<= )/)) {
      if (res.destroyed) {
        return;
      }
      send({ content: word });
      await new Promise((resolve) => setTimeout(resolve, WORD_DELAY_MS));
    }
    send({}, 'stop');
  } else {
    send({
      tool_calls: [
        {
          index: 0,
          id: 'call_demo',
          type: 'function',
          function: { name: turn.name, arguments: '' },
        },
      ],
    });
    send({
      tool_calls: [{ index: 0, function: { arguments: turn.arguments } }],
    });
    send({}, 'tool_calls');
  }
  res.write(
    `data: ${JSON.stringify({ id: 'chatcmpl-demo', object: 'chat.completion.chunk', created: 0, model: DEMO_MODEL_ID, choices: [], usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 } })}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
