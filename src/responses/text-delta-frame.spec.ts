import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namedFrame } from '../common/sse/sse-writer.js';
import { EventLog, ItemSink } from './core/event-log.js';
import { ResponsesSseFormat } from './responses-sse.format.js';
import { escapedText } from '../common/strings/escaped-text.js';
import { TextDeltaFrames } from './text-delta-frame.js';

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  // Quotes, backslashes, control characters, lone surrogates.
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', 'a') }),
);

const textDelta = (text: string, sequence: number, index: number) => ({
  type: 'response.output_text.delta',
  sequence_number: sequence,
  item_id: 'msg_0a1b2c',
  output_index: index,
  content_index: 0,
  delta: text,
  logprobs: [],
});

/** The data line of an SSE frame, parsed. */
function dataOf(frame: string, type: string): unknown {
  const prefix = `event: ${type}\ndata: `;
  expect(frame.startsWith(prefix)).toBe(true);
  expect(frame.endsWith('\n\n')).toBe(true);
  const data = frame.slice(prefix.length, -2);
  // One line: SSE data may not hold a raw line break.
  expect(data).not.toMatch(/[\r\n]/);
  return JSON.parse(data);
}

describe(TextDeltaFrames.name, () => {
  it('writes a frame whose data parses back to the event, for any text and number', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), fc.nat(9), (text, sequence, index) => {
        const event = textDelta(text, sequence, index);
        const frame = new TextDeltaFrames().frame(event)!;
        expect(dataOf(frame, event.type)).toEqual(event);
        // The same characters as the generic frame, fields in another order.
        expect(frame.length).toBe(namedFrame(event.type, event).length);
      }),
    );
  });

  it('keeps writing correct frames as one stream moves from part to part', () => {
    const sut = new TextDeltaFrames();
    const events = [
      textDelta('a', 5, 0),
      textDelta('b', 6, 0),
      { ...textDelta('c', 9, 1), item_id: 'msg_other' },
      { ...textDelta('d', 10, 1), item_id: 'msg_other', content_index: 1 },
    ];
    for (const event of events) {
      expect(dataOf(sut.frame(event)!, event.type)).toEqual(event);
    }
  });

  it('leaves other events and unusual deltas to the generic path', () => {
    const sut = new TextDeltaFrames();
    expect(
      sut.frame({ type: 'response.created', sequence_number: 0 }),
    ).toBeUndefined();
    const withLogprobs = {
      ...textDelta('x', 3, 0),
      logprobs: [{ token: 'x', logprob: -1 }],
    };
    expect(sut.frame(withLogprobs)).toBeUndefined();
    expect(
      sut.frame({ ...textDelta('x', 3, 0), obfuscation: 'abc' }),
    ).toBeUndefined();
    expect(
      sut.frame({ ...textDelta('x', 3, 0), output_index: 1.5 }),
    ).toBeUndefined();
    const { content_index: _missing, ...withoutIndex } = textDelta('x', 3, 0);
    expect(sut.frame(withoutIndex)).toBeUndefined();
  });

  // The fast frame writes only the fields it knows; a field the machine (or
  // the spec) adds to delta events must never vanish from the wire.
  it('gives an event with any other field exactly the generic frame', () => {
    const known = new Set(Object.keys(textDelta('', 0, 0)));
    fc.assert(
      fc.property(
        anyText,
        fc.string().filter((name) => !known.has(name)),
        fc.jsonValue(),
        (text, field, value) => {
          const event = { ...textDelta(text, 7, 0), [field]: value };
          const frame = new ResponsesSseFormat().frame(event) as string;
          expect(frame).toBe(namedFrame(event.type, event));
          expect(dataOf(frame, event.type)).toEqual(
            JSON.parse(JSON.stringify(event)),
          );
        },
      ),
    );
  });

  it("takes the text deltas the event machine builds (their keys, in the machine's order)", () => {
    const log = new EventLog();
    new ItemSink(log, 0, 'msg_0a1b2c').outputTextDelta(0, 'Hello');
    const [event] = log.drain();
    expect(new TextDeltaFrames().frame(event!)).toBeDefined();
    // The same fields in another order take the generic path.
    const { type, delta, ...rest } = textDelta('Hello', 0, 0);
    expect(
      new TextDeltaFrames().frame({ type, delta, ...rest }),
    ).toBeUndefined();
  });

  it('escapes a text as JSON.stringify does, short or long', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.string({ unit: 'binary', minLength: 30, maxLength: 40 }),
        ),
        (text) => {
          expect(escapedText(text)).toBe(JSON.stringify(text).slice(1, -1));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
