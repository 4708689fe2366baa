import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namedFrame } from '../common/sse/sse-writer.js';
import { textDeltaFrame } from './text-delta-frame.js';

describe(textDeltaFrame.name, () => {
  it('writes a frame whose data parses back to the event, for any text and number', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          // Quotes, backslashes, control characters, lone surrogates.
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', 'a') }),
        ),
        fc.nat(),
        fc.nat(9),
        (text, sequence, index) => {
          const event = {
            type: 'response.output_text.delta',
            sequence_number: sequence,
            item_id: 'msg_0a1b2c',
            output_index: index,
            content_index: 0,
            delta: text,
            logprobs: [],
          };
          const frame = textDeltaFrame(event)!;
          const prefix = `event: ${event.type}\ndata: `;
          expect(frame.startsWith(prefix)).toBe(true);
          expect(frame.endsWith('\n\n')).toBe(true);
          const data = frame.slice(prefix.length, -2);
          // One line: SSE data may not hold a raw line break.
          expect(data).not.toMatch(/[\r\n]/);
          expect(JSON.parse(data)).toEqual(event);
          // The same characters as the generic frame, fields in another order.
          expect(frame.length).toBe(namedFrame(event.type, event).length);
        },
      ),
    );
  });

  it('leaves other events and unusual deltas to the generic path', () => {
    expect(
      textDeltaFrame({ type: 'response.created', sequence_number: 0 }),
    ).toBeUndefined();
    const withLogprobs = {
      type: 'response.output_text.delta',
      sequence_number: 3,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'x',
      logprobs: [{ token: 'x', logprob: -1 }],
    };
    expect(textDeltaFrame(withLogprobs)).toBeUndefined();
    expect(
      textDeltaFrame({ ...withLogprobs, logprobs: [], obfuscation: 'abc' }),
    ).toBeUndefined();
  });
});
