import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namedFrame } from '../common/sse/sse-writer.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import { ItemDeltaFrames } from './item-delta-frame.js';
import { ResponsesSseFormat } from './responses-sse.format.js';

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  // Quotes, backslashes, control characters, lone surrogates.
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', 'a') }),
);

const reasoning = (
  delta: string,
  sequence: number,
  output = 0,
  itemId = 'rs_0a1b',
): ResponseStreamEvent => ({
  type: 'response.reasoning_text.delta',
  sequence_number: sequence,
  item_id: itemId,
  output_index: output,
  content_index: 0,
  delta,
});

const argumentsDelta = (
  delta: string,
  sequence: number,
  output = 1,
  itemId = 'fc_0a1b',
): ResponseStreamEvent => ({
  type: 'response.function_call_arguments.delta',
  sequence_number: sequence,
  item_id: itemId,
  output_index: output,
  delta,
});

/** The generic frame: what the fast frame must equal byte for byte. */
const generic = (event: ResponseStreamEvent) => namedFrame(event.type, event);

describe(ItemDeltaFrames.name, () => {
  it('writes exactly the generic frame for any text, item and numbers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            anyText,
            fc.nat(),
            fc.nat(3),
            fc.constantFrom('rs_1', 'fc_1', 'a"\\b'),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (events) => {
          // One instance across events: the kept middle must follow the item.
          const sut = new ItemDeltaFrames();
          for (const [isReasoning, text, sequence, output, id] of events) {
            const event = isReasoning
              ? reasoning(text, sequence, output, id)
              : argumentsDelta(text, sequence, output, id);
            expect(sut.frame(event)).toBe(generic(event));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves other events, other keys and other key orders to the generic path', () => {
    const sut = new ItemDeltaFrames();
    const { sequence_number, ...rest } = reasoning('x', 3);
    const cases: ResponseStreamEvent[] = [
      { type: 'response.output_text.delta', sequence_number: 1, delta: 'x' },
      { ...reasoning('x', 3), obfuscation: 'abc' },
      { ...rest, sequence_number },
      { ...argumentsDelta('x', 3), content_index: 0 },
      { ...reasoning('x', 3), output_index: 1.5 },
      { ...reasoning('x', 3), content_index: '0' },
      { ...argumentsDelta('x', 3), delta: 7 },
      { ...argumentsDelta('x', 3), item_id: null },
      { ...reasoning('x', 3), sequence_number: 2 ** 60 },
    ];
    for (const event of cases) {
      expect(sut.frame(event)).toBeUndefined();
    }
    const { content_index: _missing, ...withoutIndex } = reasoning('x', 3);
    expect(sut.frame(withoutIndex)).toBeUndefined();
  });

  it('is the frame ResponsesSseFormat writes for these events', () => {
    const format = new ResponsesSseFormat();
    for (const event of [reasoning('a"b', 4), argumentsDelta('{"x":', 5)]) {
      expect(format.frame(event)).toBe(generic(event));
    }
  });
});
