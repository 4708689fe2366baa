import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatSseParser } from './chat-sse.parser.js';
import { bodyOf, chunk, event } from './sse-streams.test-support.js';
import { TextDelta, TextRun, UpstreamChunk } from './decoder/stream-items.js';
import { textDeltaShortcut } from './decoder/text-chunk-shortcut.js';

const encoder = new TextEncoder();

/**
 * What the text lane's reader hands on for one stream, as one line per
 * chunk (a text, a chunk read through a template, a parsed chunk) and how
 * it ended. `withRule`: the shortcut as the gateway uses it, whose
 * TextRunRule takes an ASCII read's texts together; without: the same
 * shortcut read payload by payload.
 */
function textLaneOutput(
  body: Uint8Array,
  cuts: number[],
  withRule: boolean,
): string {
  const shortcut = textDeltaShortcut();
  const read = withRule
    ? shortcut
    : Object.assign((data: string) => shortcut(data), {
        learnFrom: shortcut.learnFrom,
      });
  const lines: string[] = [];
  const sut = new ChatSseParser<TextDelta | TextRun | UpstreamChunk>(
    (parsed, raw) => lines.push(`parsed ${raw ?? JSON.stringify(parsed)}`),
    'test-upstream',
    {
      read,
      onItem: (item) => {
        if (item instanceof TextRun) {
          expect(item.texts.length).toBeGreaterThan(1);
          lines.push(...item.texts.map((text) => `text ${text}`));
        } else if (item instanceof TextDelta) {
          lines.push(`text ${item.text}`);
        } else {
          lines.push(`chunk ${JSON.stringify(item.chunk)}`);
        }
      },
    },
    4096,
  );
  try {
    let from = 0;
    for (const cut of [...cuts, body.length].sort((a, b) => a - b)) {
      sut.feed(body.subarray(from, Math.max(from, cut)));
      from = Math.max(from, cut);
    }
    sut.end();
    lines.push(
      `events=${sut.eventCount} done=${sut.sawDone} finish=${sut.sawFinish}`,
    );
  } catch (error) {
    lines.push(`failed: ${(error as Error).message}`);
  }
  return lines.join('\n');
}

/** The items the text lane's reader hands on for `body`, fed whole; 'parsed' for a parsed chunk. */
function itemsOf(
  body: string,
): (TextDelta | TextRun | UpstreamChunk | 'parsed')[] {
  const items: (TextDelta | TextRun | UpstreamChunk | 'parsed')[] = [];
  const sut = new ChatSseParser<TextDelta | TextRun | UpstreamChunk>(
    () => items.push('parsed'),
    'test-upstream',
    { read: textDeltaShortcut(), onItem: (item) => items.push(item) },
  );
  sut.feed(encoder.encode(body));
  return items;
}

const kindOf = (item: ReturnType<typeof itemsOf>[number]) =>
  typeof item === 'string' ? item : item.constructor.name;

const textEvent = (text: string) =>
  `data: ${JSON.stringify(chunk({ content: text }))}\n\n`;

describe("The text lane's TextRunRule (through ChatSseParser)", () => {
  // However the body is cut and whatever it holds (text in and out of
  // ASCII, [DONE] mid-read, broken events, CRs, bytes that are not UTF-8),
  // the texts, chunks and ending are those of the payload-by-payload read.
  it('hands on what reading payload by payload hands on, in order', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 14 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        (events, cuts) => {
          const body = bodyOf(events);
          expect(textLaneOutput(body, cuts, true)).toBe(
            textLaneOutput(body, cuts, false),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('takes the texts of one read of ASCII as one TextRun, between the other items', () => {
    const body =
      textEvent('') + // learns the template: a chunk
      textEvent('Hel') +
      textEvent('lo') +
      `data: ${JSON.stringify(chunk({}, { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }))}\n\n` +
      textEvent(' there') +
      textEvent('!') +
      textEvent(' Bye');
    const items = itemsOf(body);
    expect(items.map(kindOf)).toEqual([
      'UpstreamChunk',
      'TextRun',
      'parsed',
      'TextRun',
    ]);
    expect((items[1] as TextRun).texts).toEqual(['Hel', 'lo']);
    expect((items[3] as TextRun).texts).toEqual([' there', '!', ' Bye']);
  });

  it('reads a read that is not all ASCII payload by payload', () => {
    const items = itemsOf(
      textEvent('') + textEvent('héllo') + textEvent(' wörld'),
    );
    expect(items.map(kindOf)).toEqual([
      'UpstreamChunk',
      'TextDelta',
      'TextDelta',
    ]);
  });
});
