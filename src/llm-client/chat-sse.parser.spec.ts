import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import { ChatSseParser } from './chat-sse.parser.js';
import {
  passThroughShortcut,
  VerbatimChunk,
  VerbatimFrames,
} from './decoder/verbatim-chunk.js';

const encoder = new TextEncoder();

function chunkJson(content: string, finishReason: string | null = null) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finishReason }],
  };
}

/** A parser that records what it emits. */
function recordingParser(): {
  sut: ChatSseParser;
  chunks: ChatCompletionChunk[];
} {
  const chunks: ChatCompletionChunk[] = [];
  const sut = new ChatSseParser((chunk) => chunks.push(chunk), 'test-upstream');
  return { sut, chunks };
}

/** Feeds `text` in the given pieces (byte offsets), then ends the body. */
function parseInPieces(text: string, cuts: number[]) {
  const bytes = encoder.encode(text);
  const { sut, chunks } = recordingParser();
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    sut.feed(bytes.subarray(from, cut));
    from = cut;
  }
  sut.end();
  return { sut, chunks };
}

function failureOf(run: () => void): GatewayException {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(ChatSseParser.name, () => {
  // Multi-byte characters make a cut inside a UTF-8 sequence possible too.
  const body =
    ': ping\n\n' +
    `data: ${JSON.stringify(chunkJson('héllo 👋'))}\n\n` +
    `data: ${JSON.stringify(chunkJson(' wörld'))}\r\n\r\n` +
    `data: ${JSON.stringify(chunkJson('', 'stop'))}\n\n` +
    'data: [DONE]\n\n';

  it('emits the same chunks whichever byte the body is split at', () => {
    const whole = parseInPieces(body, []);
    expect(whole.chunks.map((c) => c.choices[0]?.delta.content)).toEqual([
      'héllo 👋',
      ' wörld',
      '',
    ]);
    const length = encoder.encode(body).length;
    for (let cut = 1; cut < length; cut++) {
      const split = parseInPieces(body, [cut]);
      expect(split.chunks, `split at byte ${cut}`).toEqual(whole.chunks);
      expect(split.sut.sawDone).toBe(true);
    }
  });

  it('emits the same chunks when fed one byte at a time', () => {
    const length = encoder.encode(body).length;
    const cuts = Array.from({ length: length - 1 }, (_, i) => i + 1);
    expect(parseInPieces(body, cuts).chunks).toEqual(
      parseInPieces(body, []).chunks,
    );
  });

  it('joins a multi-line data field into one event', () => {
    const json = JSON.stringify(chunkJson('multi'), null, 2);
    const text = json
      .split('\n')
      .map((line) => `data: ${line}`)
      .join('\n');
    const { chunks } = parseInPieces(`${text}\n\n`, []);
    expect(chunks).toEqual([chunkJson('multi')]);
  });

  it('ignores comments and other SSE fields', () => {
    const { chunks } = parseInPieces(
      `: ping\n\n:keep-alive\nid: 7\nretry: 10\n\ndata: ${JSON.stringify(chunkJson('a'))}\n\n`,
      [],
    );
    expect(chunks).toEqual([chunkJson('a')]);
  });

  it('accepts CRLF and lone CR line endings', () => {
    const crlf = parseInPieces(
      `data: ${JSON.stringify(chunkJson('a'))}\r\n\r\ndata: [DONE]\r\n\r\n`,
      [],
    );
    expect(crlf.chunks).toEqual([chunkJson('a')]);
    expect(crlf.sut.sawDone).toBe(true);
    const cr = parseInPieces(
      `data: ${JSON.stringify(chunkJson('b'))}\r\rdata: [DONE]\r\r`,
      [],
    );
    expect(cr.chunks).toEqual([chunkJson('b')]);
  });

  it('records [DONE] and ignores anything after it', () => {
    const { sut, chunks } = parseInPieces(
      `data: [DONE]\n\ndata: ${JSON.stringify(chunkJson('late'))}\n\ndata: not json\n\n`,
      [],
    );
    expect(sut.sawDone).toBe(true);
    expect(chunks).toEqual([]);
  });

  it('records a finish_reason', () => {
    const { sut } = parseInPieces(
      `data: ${JSON.stringify(chunkJson('', 'length'))}\n\n`,
      [],
    );
    expect(sut.sawFinish).toBe(true);
    expect(sut.sawDone).toBe(false);
  });

  it('reports neither [DONE] nor a finish for a body that just stops', () => {
    const { sut, chunks } = parseInPieces(
      `data: ${JSON.stringify(chunkJson('a'))}\n\n`,
      [],
    );
    expect(chunks).toHaveLength(1);
    expect(sut.sawDone).toBe(false);
    expect(sut.sawFinish).toBe(false);
  });

  it('normalises a chunk without choices and keeps its usage', () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const { chunks } = parseInPieces(
      `data: ${JSON.stringify({ id: 'u', object: 'chat.completion.chunk', usage })}\n\n`,
      [],
    );
    expect(chunks).toEqual([
      { id: 'u', object: 'chat.completion.chunk', usage, choices: [] },
    ]);
  });

  it('turns an in-band error chunk into an upstream_error, after the chunks before it', () => {
    const { sut, chunks } = recordingParser();
    const error = failureOf(() =>
      sut.feed(
        encoder.encode(
          `data: ${JSON.stringify(chunkJson('a'))}\n\n` +
            `data: {"error":{"message":"model crashed","type":"server_error"}}\n\n`,
        ),
      ),
    );
    expect(chunks).toEqual([chunkJson('a')]);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toContain('model crashed');
    expect(error.message).toContain('test-upstream');
  });

  it('turns a malformed JSON event into upstream_bad_response', () => {
    const { sut, chunks } = recordingParser();
    const error = failureOf(() =>
      sut.feed(encoder.encode('data: {"id":"x",\n\n')),
    );
    expect(chunks).toEqual([]);
    expect(error.code).toBe('upstream_bad_response');
    expect(error.message).toContain('{"id":"x",');
  });

  it('judges an event only once its blank line arrives', () => {
    const { sut } = recordingParser();
    sut.feed(encoder.encode('data: {broken'));
    expect(() => sut.feed(encoder.encode('\n\n'))).toThrow(GatewayException);
  });

  it('passes runs of chunks its verbatim policy accepts as the bytes they came in', () => {
    const items: (ChatCompletionChunk | VerbatimChunk | VerbatimFrames)[] = [];
    const sut = new ChatSseParser<VerbatimChunk | VerbatimFrames>(
      (chunk) => items.push(chunk),
      'test-upstream',
      { read: passThroughShortcut(false), onItem: (item) => items.push(item) },
    );
    const plain = `data: ${JSON.stringify(chunkJson('héllo 👋'))}\n\n`;
    const last = chunkJson('', 'stop');
    // Cut inside the multi-byte characters of the verbatim chunks.
    const bytes = encoder.encode(
      `${plain}${plain}data: ${JSON.stringify(last)}\n\ndata: [DONE]\n\n`,
    );
    for (let at = 0; at < bytes.length; at += 7) {
      sut.feed(bytes.subarray(at, at + 7));
    }
    sut.end();
    const frames = items.filter((item) => item instanceof VerbatimFrames);
    expect(Buffer.concat(frames.map((item) => item.bytes)).toString()).toBe(
      plain + plain,
    );
    expect(frames.reduce((sum, item) => sum + item.count, 0)).toBe(2);
    // The finishing chunk is parsed, so the end-of-stream check still sees it.
    expect(items.at(-1)).toEqual(last);
    expect(sut.sawFinish).toBe(true);
    expect(sut.sawDone).toBe(true);
    expect(sut.eventCount).toBe(4);
  });

  it("hands on a chunk's upstream text, unless the decoder rewrote the chunk", () => {
    const seen: [ChatCompletionChunk, string | undefined][] = [];
    const sut = new ChatSseParser(
      (chunk, raw) => seen.push([chunk, raw]),
      'test-upstream',
    );
    const kept = JSON.stringify(chunkJson('a'));
    // A choice without an index gets one: the text no longer says the same.
    const rewritten = kept.replace('"index":0,', '');
    sut.feed(encoder.encode(`data: ${kept}\n\ndata: ${rewritten}\n\n`));
    expect(seen.map(([, raw]) => raw)).toEqual([kept, undefined]);
    expect(seen[1]?.[0].choices[0]?.index).toBe(0);
  });

  describe('with maxEventBytes', () => {
    const limited = (max: number) => {
      const chunks: ChatCompletionChunk[] = [];
      const sut = new ChatSseParser(
        (chunk) => chunks.push(chunk),
        'test-upstream',
        undefined,
        max,
      );
      return { sut, chunks };
    };

    it('fails an unfinished line as soon as it outgrows the limit', () => {
      const { sut } = limited(1024);
      sut.feed(encoder.encode(`data: {"a":"${'x'.repeat(900)}`));
      const error = failureOf(() => sut.feed(encoder.encode('x'.repeat(200))));
      expect(error.code).toBe('upstream_bad_response');
      expect(error.message).toBe(
        "The upstream 'test-upstream' sent a stream event larger than 1 KiB (UPSTREAM_MAX_EVENT_BYTES).",
      );
    });

    it('fails an event whose data lines add up past the limit', () => {
      const { sut } = limited(1024);
      const line = `data: ${'x'.repeat(300)}\n`;
      sut.feed(encoder.encode(line.repeat(3)));
      expect(() => sut.feed(encoder.encode(line))).toThrow(
        'UPSTREAM_MAX_EVENT_BYTES',
      );
    });

    it('counts each event on its own, however long the stream', () => {
      const { sut, chunks } = limited(1024);
      const event = `data: ${JSON.stringify(chunkJson('y'.repeat(600)))}\n\n`;
      for (let i = 0; i < 20; i++) {
        sut.feed(encoder.encode(event));
      }
      expect(chunks).toHaveLength(20);
      expect(sut.eventCount).toBe(20);
    });

    it('counts events, not comments', () => {
      const { sut } = limited(1024);
      sut.feed(encoder.encode(': ping\n\n: ping\n\n'));
      expect(sut.eventCount).toBe(0);
      sut.feed(encoder.encode(`data: ${JSON.stringify(chunkJson('a'))}\n\n`));
      expect(sut.eventCount).toBe(1);
    });
  });
});
