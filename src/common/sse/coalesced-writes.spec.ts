import fc from 'fast-check';
import { Observable, from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { useSseTestServer } from './sse-test-server.test-support.js';

/** Frames of bytes, `first` and `second`, around a text frame ({n: 2}), all in one promise job. */
function textBetween(first: Buffer, second: Buffer): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    void Promise.resolve().then(() => {
      subscriber.next(first);
      subscriber.next({ n: 2 });
      subscriber.next(second);
      subscriber.complete();
    });
  });
}

describe('CoalescedWrites (through writeSse)', () => {
  const server = useSseTestServer();

  /** Streams `events$` (frames n 1 and 2): the body and its end leave in one write. */
  async function expectTwoFramesInOneWrite(
    events$: Observable<unknown>,
  ): Promise<void> {
    server.scenario.writes = [];
    server.scenario.events$ = events$;
    const answer = await fetch(server.url);
    const all = 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n';
    expect(await answer.text()).toBe(all);
    expect(server.scenario.writes).toEqual([`end ${all}`]);
  }

  it('sends the frames of one batch of promise jobs in one write, with the end of the body', async () => {
    // As a stream's end reaches the writer: events over several promise
    // steps (closing items, storing the response, the terminal event).
    await expectTwoFramesInOneWrite(
      new Observable<unknown>((subscriber) => {
        void (async () => {
          await Promise.resolve();
          subscriber.next({ n: 1 });
          await Promise.resolve();
          await Promise.resolve();
          subscriber.next({ n: 2 });
          subscriber.complete();
        })();
      }),
    );
  });

  it('sends frames written from a tick job with the end that promise jobs bring after them, in one write', async () => {
    // As an upstream body is read: its frames come from a process.nextTick
    // job (one socket read), the end of the stream from the promise jobs
    // that follow the body's 'end'.
    await expectTwoFramesInOneWrite(
      new Observable<unknown>((subscriber) => {
        process.nextTick(() => {
          subscriber.next({ n: 1 });
          subscriber.next({ n: 2 });
          void (async () => {
            await Promise.resolve();
            await Promise.resolve();
            subscriber.complete();
          })();
        });
      }),
    );
  });

  it('writes a frame at once, not waiting for the next one', async () => {
    server.scenario.writes = [];
    const { source, response } = await server.subjectStream();
    source.next({ n: 1 });
    // The client reads the first frame before the second exists.
    const answer = await response;
    const reader = answer.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value).toString()).toBe('data: {"n":1}\n\n');
    source.next({ n: 2 });
    source.complete();
    let rest = '';
    for (
      let part = await reader.read();
      !part.done;
      part = await reader.read()
    ) {
      rest += Buffer.from(part.value).toString();
    }
    expect(rest).toBe('data: {"n":2}\n\ndata: [DONE]\n\n');
    expect(server.scenario.writes).toEqual([
      'write data: {"n":1}\n\n',
      'end data: {"n":2}\n\ndata: [DONE]\n\n',
    ]);
  });

  it('writes frames given as bytes and as text of one batch together, in order', async () => {
    server.scenario.writes = [];
    const text = 'data: {"n":"é"}\n\n';
    const bytes = Buffer.from(text);
    server.scenario.events$ = textBetween(bytes, bytes);
    const answer = await fetch(server.url);
    const all = `${text}data: {"n":2}\n\n${text}data: [DONE]\n\n`;
    expect(await answer.text()).toBe(all);
    expect(server.scenario.writes).toEqual([`end ${all}`]);
  });

  it('hands long frames of bytes to the response as they are, in one socket write with the rest', async () => {
    server.scenario.writes = [];
    server.scenario.chunks = [];
    server.scenario.socketWrites = [];
    const long = (n: number) =>
      Buffer.from(`data: {"n":"${String(n).repeat(5000)}"}\n\n`);
    const [first, second] = [long(1), long(3)];
    server.scenario.events$ = textBetween(first, second);
    const answer = await fetch(server.url);
    const text = (bytes: Buffer) => bytes.toString();
    expect(await answer.text()).toBe(
      `${text(first)}data: {"n":2}\n\n${text(second)}data: [DONE]\n\n`,
    );
    expect(server.scenario.writes).toEqual([
      `write ${text(first)}`,
      'write data: {"n":2}\n\n',
      `write ${text(second)}`,
      'end data: [DONE]\n\n',
    ]);
    expect(server.scenario.chunks[0]).toBe(first);
    expect(server.scenario.chunks[2]).toBe(second);
    expect(server.scenario.socketWrites).toHaveLength(1);
  });

  it('flushes a turn of long bytes and texts in one socket write before the stream ends', async () => {
    server.scenario.writes = [];
    server.scenario.socketWrites = [];
    const { source, response } = await server.subjectStream();
    const long = Buffer.from(`data: {"n":"${'x'.repeat(5000)}"}\n\n`);
    source.next(long);
    source.next({ n: 2 });
    source.next(long);
    const reader = (await response).body!.getReader();
    const expected = `${long.toString()}data: {"n":2}\n\n${long.toString()}`;
    let got = '';
    while (got.length < expected.length) {
      const part = await reader.read();
      got += Buffer.from(part.value).toString();
    }
    expect(got).toBe(expected);
    expect(server.scenario.writes).toHaveLength(3);
    expect(server.scenario.socketWrites).toHaveLength(1);
    source.complete();
    await reader.read();
  });

  it('joins a batch of many short runs of bytes and texts into one piece', async () => {
    server.scenario.writes = [];
    const text = 'data: {"n":"é"}\n\n';
    server.scenario.events$ = new Observable<unknown>((subscriber) => {
      void Promise.resolve().then(() => {
        for (let n = 0; n < 10; n += 1) {
          subscriber.next(Buffer.from(text));
          subscriber.next({ n });
        }
        subscriber.complete();
      });
    });
    const answer = await fetch(server.url);
    const frames = Array.from(
      { length: 10 },
      (_, n) => `${text}data: {"n":${n}}\n\n`,
    ).join('');
    const all = `${frames}data: [DONE]\n\n`;
    expect(await answer.text()).toBe(all);
    expect(server.scenario.writes).toEqual([`end ${all}`]);
  });

  it('writes once per batch, however many frames it holds', async () => {
    server.scenario.writes = [];
    const { source, response } = await server.subjectStream();
    for (let n = 0; n < 500; n += 1) {
      // A Responses text delta frame is about 220 characters.
      source.next({ n, text: 'x'.repeat(200) });
    }
    await new Promise((resolve) => setImmediate(resolve));
    source.next({ n: 500 });
    source.complete();
    await (await response).text();
    expect(server.scenario.writes.map((entry) => entry.split(' ')[0])).toEqual([
      'write',
      'end',
    ]);
  });

  /** Streams `texts` as frames of one batch; the body's bytes and what the response was given. */
  async function streamTexts(
    texts: string[],
  ): Promise<{ body: Buffer; expected: Buffer; chunks: unknown[] }> {
    server.scenario.writes = [];
    server.scenario.chunks = [];
    server.scenario.events$ = from(texts.map((t) => ({ t })));
    const answer = await fetch(server.url);
    const frames = texts.map((t) => `data: ${JSON.stringify({ t })}\n\n`);
    return {
      body: Buffer.from(await answer.arrayBuffer()),
      expected: Buffer.from(`${frames.join('')}data: [DONE]\n\n`),
      chunks: server.scenario.chunks,
    };
  }

  it('writes any text as its UTF-8 bytes, joined with the others of its batch', async () => {
    // ASCII of any length, with any Unicode (an astral character, é…) put
    // in somewhere, or not.
    const text = fc
      .tuple(
        fc.string({ unit: 'binary-ascii', maxLength: 2000, size: 'max' }),
        fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 })),
        fc.nat(),
      )
      .map(([ascii, other, at]) => {
        const cut = at % (ascii.length + 1);
        return ascii.slice(0, cut) + (other ?? '') + ascii.slice(cut);
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(text, { minLength: 1, maxLength: 3 }),
        async (texts) => {
          const { body, expected, chunks } = await streamTexts(texts);
          expect(body.equals(expected)).toBe(true);
          expect(chunks).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
