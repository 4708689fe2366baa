import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextDelta } from '../../llm-client/decoder/stream-items.js';
import { EventLog } from './event-log.js';
import {
  chunk,
  machine,
  withItemIdsNumbered,
} from '../../../test/support/machine-harness.js';
import { checkStream } from './stream-checker.test-support.js';

describe('ResponseEventMachine.onChunk with a TextDelta', () => {
  // The text lane hands the machine a plain chunk's content alone; nothing
  // it emits may differ from what the whole chunk would have given.
  it('emits exactly what the whole chunks emit for the same text', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom('<think>', '</think>', '<th', 'ink>', '\n\n', ' ', ''),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.boolean(),
        (pieces, refusalFirst) => {
          const byChunk = machine();
          const byText = machine();
          const viaChunks = [...byChunk.start()];
          const viaText = [...byText.start()];
          if (refusalFirst) {
            // A part of another kind before the text: a TextDelta continues
            // the message as the whole chunk does.
            viaChunks.push(...byChunk.onChunk(chunk({ refusal: 'No.' })));
            viaText.push(...byText.onChunk(chunk({ refusal: 'No.' })));
          }
          for (const text of pieces) {
            viaChunks.push(...byChunk.onChunk(chunk({ content: text })));
            viaText.push(...byText.onChunk(new TextDelta(text)));
          }
          viaChunks.push(...byChunk.finish());
          viaText.push(...byText.finish());
          expect(withItemIdsNumbered(viaText)).toBe(
            withItemIdsNumbered(viaChunks),
          );
          checkStream(viaText);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('emits nothing after the terminal event', () => {
    const sut = machine();
    sut.start();
    sut.onChunk(new TextDelta('Hello'));
    expect(sut.finish().at(-1)?.type).toBe('response.completed');
    expect(sut.onChunk(new TextDelta(' again'))).toEqual([]);
  });
});

describe(EventLog.name, () => {
  it('hands each drain its own array, in order, and keeps nothing drained', () => {
    const log = new EventLog();
    log.emit('a', {});
    const first = log.drain();
    log.emit('b', {});
    log.emit('c', {});
    const second = log.drain();
    expect(first.map((event) => event.type)).toEqual(['a']);
    expect(second.map((event) => event.type)).toEqual(['b', 'c']);
    expect(second.map((event) => event.sequence_number)).toEqual([1, 2]);
    expect(log.drain()).toEqual([]);
    first.push({ type: 'changed by the caller', sequence_number: 9 });
    log.emit('d', {});
    expect(log.drain().map((event) => event.type)).toEqual(['d']);
    // Drained slots are cleared, so the log does not keep old events alive.
    const slots = (log as unknown as { pending: unknown[] }).pending;
    expect(slots.every((slot) => slot === undefined)).toBe(true);
  });
});
