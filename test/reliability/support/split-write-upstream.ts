import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * A Chat Completions upstream that answers the next streamed chat request
 * with scripted bytes, one socket write per piece and a turn of the event
 * loop between two writes, so the gateway (in the same process) reads every
 * piece on its own. Any other chat request, or one with no script left, gets
 * a short valid answer ("pong"), for the checks that the gateway still works.
 * Independent of the shared FakeUpstream, which is being edited elsewhere.
 */
export class SplitWriteUpstream {
  private readonly scripts: Buffer[][] = [];
  private server!: Server;

  static async start(): Promise<SplitWriteUpstream> {
    const upstream = new SplitWriteUpstream();
    upstream.server = createServer((req, res) => {
      upstream.serve(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) =>
      upstream.server.listen(0, '127.0.0.1', resolve),
    );
    return upstream;
  }

  /** Base URL including `/v1`, as OPENAI_BASE_URL_INTERNAL expects. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The pieces of the next streamed answer; any earlier script is dropped. */
  script(pieces: Buffer[]): void {
    this.scripts.splice(0, this.scripts.length, pieces);
  }

  /** Drops a script no request used (the gateway refused before calling). */
  clear(): void {
    this.scripts.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const part of req) {
      raw += (part as Buffer).toString('utf8');
    }
    const streamed = (JSON.parse(raw || '{}') as { stream?: unknown }).stream;
    if (!req.url?.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found","type":"invalid_request"}}');
      return;
    }
    if (streamed !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(PONG_COMPLETION));
      return;
    }
    const pieces = this.scripts.shift() ?? [Buffer.from(PONG_STREAM)];
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    for (const piece of pieces) {
      if (res.destroyed) {
        return;
      }
      res.write(piece);
      await nextTurn();
    }
    res.end();
  }
}

const ENVELOPE = { id: 'chatcmpl-pong', created: 1_700_000_000 };

const PONG_COMPLETION = {
  ...ENVELOPE,
  object: 'chat.completion',
  model: 'fake-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'pong' },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

const PONG_STREAM = [{ role: 'assistant', content: 'pong' }, {}]
  .map(
    (delta, i) =>
      `data: ${JSON.stringify({
        ...ENVELOPE,
        object: 'chat.completion.chunk',
        model: 'fake-model',
        choices: [{ index: 0, delta, finish_reason: i === 1 ? 'stop' : null }],
      })}\n\n`,
  )
  .join('')
  .concat('data: [DONE]\n\n');
