import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { FlowControl } from '../common/sse/flow-control.js';
import { type ReadOptions, readChatStream } from './chat-stream.reader.js';

const frame = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })}\n\n`;

/** An upstream body of these reads; records how many were taken. */
function body(reads: string[]): AsyncIterable<Buffer> & { taken: number } {
  const source = {
    taken: 0,
    async *[Symbol.asyncIterator]() {
      for (const read of reads) {
        // A network read: a macrotask of its own, as a socket's read is.
        await new Promise((resolve) => setImmediate(resolve));
        source.taken += 1;
        yield Buffer.from(read);
      }
    },
  };
  return source;
}

const limits = { maxEventBytes: 1024 * 1024, maxAnswerBytes: 4096 };

describe(readChatStream.name, () => {
  it('fails once the answer outgrows maxAnswerBytes, reading no further', async () => {
    const reads = Array.from({ length: 10 }, () => frame('x'.repeat(900)));
    const source = body(reads);
    const error = await readChatStream(source, 'local', () => undefined, {
      isClosed: () => false,
      limits,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayException);
    expect(error).toMatchObject({
      code: 'upstream_bad_response',
      message:
        "The upstream 'local' sent a streamed answer larger than 4 KiB (UPSTREAM_MAX_ANSWER_BYTES).",
    });
    expect(source.taken).toBeLessThan(reads.length);
  });

  it('reads an answer within the limits to its end', async () => {
    const chunks: unknown[] = [];
    const end = await readChatStream(
      body([frame('a'), frame('b', 'stop'), 'data: [DONE]\n\n']),
      'local',
      (chunk) => chunks.push(chunk),
      { isClosed: () => false, limits },
    );
    expect(end).toBe('finished');
    expect(chunks).toHaveLength(2);
  });

  it('reports progress for reads that complete an event, not for comments', async () => {
    let progress = 0;
    await readChatStream(
      body([': ping\n\n', ': ping\n\n', frame('a'), frame('b', 'stop')]),
      'local',
      () => undefined,
      { isClosed: () => false, onProgress: () => (progress += 1) },
    );
    expect(progress).toBe(2);
  });
});

describe(`${readChatStream.name}, with a slow client`, () => {
  it('reads nothing more while the flow waits, and goes on when it resumes', async () => {
    const flow = new FlowControl();
    const reads = [
      frame('a'),
      frame('b'),
      frame('c', 'stop'),
      'data: [DONE]\n\n',
    ];
    const source = body(reads);
    const chunks: unknown[] = [];
    const reading = readChatStream(
      source,
      'local',
      (chunk) => {
        chunks.push(chunk);
        // The client's socket is full after the first chunk.
        if (chunks.length === 1) {
          flow.pause();
        }
      },
      { isClosed: () => false, flow },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chunks).toHaveLength(1);
    const takenWhilePaused = source.taken;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.taken).toBe(takenWhilePaused);
    flow.resume();
    await expect(reading).resolves.toBe('finished');
    expect(chunks).toHaveLength(3);
  });

  it("stops with 'closed' once nobody listens", async () => {
    let closed = false;
    const end = await readChatStream(
      body([frame('a'), frame('b'), frame('c', 'stop')]),
      'local',
      () => (closed = true),
      { isClosed: () => closed },
    );
    expect(end).toBe('closed');
  });
});

describe(`${readChatStream.name}, a burst of 'data' events`, () => {
  /** A body whose pushes of one call come in one synchronous burst, as undici's chunks of one socket read do. */
  function burstBody(): Readable & { burst: (...parts: string[]) => void } {
    const readable = new Readable({ read: () => undefined });
    return Object.assign(readable, {
      burst: (...parts: string[]) => {
        for (const part of parts) {
          readable.push(Buffer.from(part));
        }
      },
    });
  }

  /** Starts reading a burst body, keeping each chunk's text; resolves once the reader listens. */
  async function startReading(options: Partial<ReadOptions<never>> = {}) {
    const source = burstBody();
    const texts: unknown[] = [];
    const reading = readChatStream(
      source,
      'local',
      (chunk) => texts.push(chunk.choices[0]?.delta.content),
      { isClosed: () => false, ...options },
    );
    await new Promise((resolve) => setImmediate(resolve));
    return { source, texts, reading };
  }

  it('reads the burst as one read: its events, one progress, an event cut between two chunks joined', async () => {
    let progress = 0;
    const { source, texts, reading } = await startReading({
      onProgress: () => (progress += 1),
    });
    const cut = frame('c', 'stop');
    source.burst(frame('a'), frame('b'), cut.slice(0, 20), cut.slice(20));
    await new Promise((resolve) => setImmediate(resolve));
    expect(texts).toEqual(['a', 'b', 'c']);
    expect(progress).toBe(1);
    source.burst('data: [DONE]\n\n');
    source.push(null);
    await expect(reading).resolves.toBe('finished');
    expect(progress).toBe(2);
  });

  it('reads what came before a transport failure in the same burst, then fails', async () => {
    const { source, texts, reading } = await startReading();
    source.burst(frame('a'), frame('b'));
    source.destroy(new Error('socket hang up'));
    await expect(reading).rejects.toThrow('socket hang up');
    expect(texts).toEqual(['a', 'b']);
  });

  it('reads the events of the burst before the read that makes the answer too large', async () => {
    const { source, texts, reading } = await startReading({ limits });
    source.burst(frame('a'), frame('x'.repeat(5000)));
    await expect(reading).rejects.toMatchObject({
      code: 'upstream_bad_response',
    });
    expect(texts).toEqual(['a']);
  });
});
