import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatSseParser } from './chat-sse.parser.js';
import { VerbatimSplitter } from './sse-verbatim-splitter.js';
import { bodyOf, chunk, event } from './sse-streams.test-support.js';
import {
  passThroughShortcut,
  VerbatimChunk,
  VerbatimFrames,
} from './decoder/verbatim-chunk.js';

const encoder = new TextEncoder();

type Reading = 'frames' | 'events' | 'general';

/**
 * What a pass-through writes for one stream: every item as its frame, and
 * how the stream ended. `frames`: as the gateway reads it; `events`: split
 * on the bytes but every event decoded (a shortcut without frames);
 * `general`: the general SSE parser on the decoded stream, all of it (a
 * leading BOM sends a stream there, and is dropped as any SSE reader does).
 */
function passThroughOutput(
  body: Uint8Array,
  cuts: number[],
  keepsUsage: boolean,
  reading: Reading,
): string {
  const shortcut = passThroughShortcut(keepsUsage);
  const read =
    reading === 'frames' ? shortcut : (data: string) => shortcut(data);
  const out: Uint8Array[] = [];
  const frame = (text: string) => out.push(encoder.encode(text));
  const sut = new ChatSseParser<VerbatimChunk | VerbatimFrames>(
    (chunk, raw) => frame(`data: ${raw ?? JSON.stringify(chunk)}\n\n`),
    'test-upstream',
    {
      read,
      onItem: (item) =>
        item instanceof VerbatimFrames
          ? out.push(item.bytes)
          : frame(`data: ${item.json}\n\n`),
    },
    4096,
  );
  const input =
    reading === 'general' ? Buffer.concat([BOM, body]) : Buffer.from(body);
  const shift = input.length - body.length;
  let ending: string;
  try {
    let from = 0;
    for (const cut of [...cuts.map((at) => at + shift), input.length].sort(
      (a, b) => a - b,
    )) {
      sut.feed(input.subarray(from, Math.max(from, cut)));
      from = Math.max(from, cut);
    }
    sut.end();
    ending = `events=${sut.eventCount} done=${sut.sawDone} finish=${sut.sawFinish}`;
  } catch (error) {
    ending = `failed: ${(error as Error).message}`;
  }
  // Bytes, not text: a decoding would hide bytes that are not UTF-8.
  return Buffer.concat(out).toString('latin1') + ending;
}

/** A pass-through's parser, and the items it hands on. */
function passThroughParser(keepsUsage: boolean) {
  const items: (VerbatimChunk | VerbatimFrames)[] = [];
  const sut = new ChatSseParser<VerbatimChunk | VerbatimFrames>(
    () => undefined,
    'test-upstream',
    {
      read: passThroughShortcut(keepsUsage),
      onItem: (item) => items.push(item),
    },
  );
  return { sut, items };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('VerbatimSplitter (through ChatSseParser)', () => {
  // However the body is cut, and whatever it holds, the bytes written and
  // the way the stream ends are those of the general SSE parser reading the
  // decoded stream and writing each verbatim chunk's text.
  it('writes exactly what the general parser writes', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 12 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        fc.boolean(),
        (events, cuts, keepsUsage) => {
          const body = bodyOf(events);
          const general = passThroughOutput(body, cuts, keepsUsage, 'general');
          expect(passThroughOutput(body, cuts, keepsUsage, 'frames')).toBe(
            general,
          );
          expect(passThroughOutput(body, cuts, keepsUsage, 'events')).toBe(
            general,
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('forwards a run of plain chunks as one item of their own bytes', () => {
    const text = `data: ${JSON.stringify(chunk({ content: 'héllo 👋' }))}\n\n`;
    const { sut, items } = passThroughParser(true);
    const body = encoder.encode(text.repeat(3));
    sut.feed(body);
    expect(items).toHaveLength(1);
    expect(items[0]).toBeInstanceOf(VerbatimFrames);
    expect((items[0] as VerbatimFrames).count).toBe(3);
    expect((items[0] as VerbatimFrames).bytes).toEqual(Buffer.from(body));
  });

  it('joins only the bytes of an event a read completes, and forwards the rest of that read uncopied', () => {
    const text = `data: ${JSON.stringify(chunk({ content: 'hi' }))}\n\n`;
    const { sut, items } = passThroughParser(true);
    const cut = 10;
    const rest = text.slice(cut) + text.repeat(3);
    // Memory of its own, not a slice of Node's shared pool of small buffers.
    const second = Buffer.alloc(Buffer.byteLength(rest));
    second.write(rest);
    sut.feed(Buffer.from(text.slice(0, cut)));
    sut.feed(second);
    const frames = items as VerbatimFrames[];
    expect(frames.map((item) => item.count)).toEqual([1, 3]);
    expect(Buffer.from(frames[0]!.bytes).toString()).toBe(text);
    // The run after the completed event is a view of the read itself.
    expect(frames[1]!.bytes.buffer).toBe(second.buffer);
    expect(frames[1]!.bytes.byteOffset).toBe(
      second.byteOffset + text.length - cut,
    );
    expect(Buffer.from(frames[1]!.bytes).toString()).toBe(text.repeat(3));
  });

  it('completes an event whose blank line is split between two reads', () => {
    const text = `data: ${JSON.stringify(chunk({ content: 'hi' }))}\n\n`;
    const { sut, items } = passThroughParser(true);
    sut.feed(Buffer.from(text.slice(0, -1)));
    expect(items).toHaveLength(0);
    // A read of the blank line's last LF alone completes the event.
    sut.feed(Buffer.from('\n'));
    expect(items).toHaveLength(1);
    expect(Buffer.from((items[0] as VerbatimFrames).bytes).toString()).toBe(
      text,
    );
  });

  it("cuts OpenAI's null usage from the bytes when the client did not ask for usage", () => {
    const written = (usage: object) =>
      `data: ${JSON.stringify(chunk({ content: 'é' }, { ...usage, obfuscation: 'ab' }))}\n\n`;
    const { sut, items } = passThroughParser(false);
    sut.feed(encoder.encode(written({ usage: null }).repeat(2)));
    expect(items).toHaveLength(1);
    expect(Buffer.from((items[0] as VerbatimFrames).bytes).toString()).toBe(
      written({}).repeat(2),
    );
  });

  it('fails an unfinished event past the size limit, as the plain path does', () => {
    const body = encoder.encode(`data: {"a":"${'x'.repeat(5000)}`);
    const framed = passThroughOutput(body, [], true, 'frames');
    expect(framed).toContain('UPSTREAM_MAX_EVENT_BYTES');
    expect(framed).toBe(passThroughOutput(body, [], true, 'general'));
  });

  it('hands on the payloads of an ASCII read as text, and of any other read as bytes', () => {
    const payloads: (Uint8Array | string)[] = [];
    const sut = new VerbatimSplitter({
      frames: () => undefined,
      payload: (data) => payloads.push(data),
      texts: () => undefined,
      event: () => undefined,
      rest: () => undefined,
      tooLarge: () => undefined,
    });
    sut.feed(encoder.encode('data: {"a":"x"}\n\ndata: {"b":1}\n\n'));
    expect(payloads).toEqual(['{"a":"x"}', '{"b":1}']);
    sut.feed(encoder.encode('data: {"a":"é"}\n\n'));
    expect(payloads[2]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(payloads[2] as Uint8Array).toString()).toBe('{"a":"é"}');
  });
});
