import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextDelta, TextRun } from '../../llm-client/decoder/stream-items.js';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import {
  chunk,
  machine,
  withItemIdsNumbered,
} from '../../../test/support/machine-harness.js';
import { ResponsesSseFormat } from '../responses-sse.format.js';
import { checkStream } from './stream-checker.test-support.js';
import {
  expandedEvents,
  type ResponseStreamItem,
  TextDeltaRun,
} from './text-delta-run.js';

/** Texts as a model writes them, with what the machine treats apart. */
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom('<think>', '</think>', '<th', 'ink>', '\n\n', ' ', '', '"\\'),
);

/** What goes into the machine between runs: a TextRun, or a whole chunk of another kind. */
const step = fc.oneof(
  { weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('refusal', 'reasoning') },
);

describe('ResponseEventMachine.onTextRun', () => {
  // A TextRun stands for its texts' chunks read together: taken apart, its
  // items must be exactly the events of those chunks fed one by one.
  it('gives the events of its chunks fed one by one, runs taken apart', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const byChunk = machine();
        const byRun = machine();
        const viaChunks = [...byChunk.start()];
        const viaRuns: ResponseStreamItem[] = [...byRun.start()];
        for (const entry of steps) {
          if (typeof entry === 'string') {
            const other = chunk({ [entry]: 'Hm.' });
            viaChunks.push(...byChunk.onChunk(other));
            viaRuns.push(...byRun.onChunk(other));
            continue;
          }
          for (const text of entry) {
            viaChunks.push(...byChunk.onChunk(new TextDelta(text)));
          }
          viaRuns.push(...byRun.onTextRun(new TextRun(entry)));
        }
        viaChunks.push(...byChunk.finish());
        viaRuns.push(...byRun.finish());
        const events = expandedEvents(viaRuns);
        expect(withItemIdsNumbered(events)).toBe(
          withItemIdsNumbered(viaChunks),
        );
        checkStream(events);
      }),
      { numRuns: 300 },
    );
  });

  it('gathers the deltas of one part into one run, numbered in order', () => {
    const sut = machine();
    sut.start();
    sut.onChunk(new TextDelta('Hello'));
    const items = sut.onTextRun(new TextRun([' there', ',', ' you']));
    expect(items).toHaveLength(1);
    const run = items[0] as TextDeltaRun;
    expect(run).toBeInstanceOf(TextDeltaRun);
    expect(run.deltas).toEqual([' there', ',', ' you']);
    expect(run.events().map((event) => event.sequence_number)).toEqual([
      run.firstSequence,
      run.firstSequence + 1,
      run.firstSequence + 2,
    ]);
    expect(run.lastSequence).toBe(run.firstSequence + 2);
  });

  it('gives nothing after the terminal event', () => {
    const sut = machine();
    sut.start();
    sut.finish();
    expect(sut.onTextRun(new TextRun(['late', 'text']))).toEqual([]);
  });
});

describe('ResponsesSseFormat with runs', () => {
  /** The SSE bytes of `items` through one format, as the writer sends them. */
  function framed(items: readonly ResponseStreamItem[]): Buffer {
    const format = new ResponsesSseFormat();
    return Buffer.concat(items.map((item) => Buffer.from(format.frame(item))));
  }

  it('frames a run byte for byte as its events one by one', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const sut = machine();
        const items: ResponseStreamItem[] = [...sut.start()];
        for (const entry of steps) {
          items.push(
            ...(typeof entry === 'string'
              ? sut.onChunk(chunk({ [entry]: 'Hm.' }))
              : sut.onTextRun(new TextRun(entry))),
          );
        }
        items.push(...sut.finish());
        expect(framed(items).equals(framed(expandedEvents(items)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a long run as bytes, equal to its events framed one by one', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 30, maxLength: 120 }),
        fc.nat({ max: 20_000 }),
        (deltas, first) => {
          const run = new TextDeltaRun('msg_ab12', 1, 0, first, deltas);
          const frame = new ResponsesSseFormat().frame(run);
          expect(frame).toBeInstanceOf(Uint8Array);
          expect(Buffer.from(frame).equals(framed(run.events()))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('numbers an error frame after the last event of a run', () => {
    const run = new TextDeltaRun('msg_1', 0, 0, 7, ['a', 'b', 'c']);
    const frame = new ResponsesSseFormat().errorFrame(
      new GatewayException('upstream_error', 'lost', { status: 502 }),
      run,
    );
    const data = JSON.parse(
      frame.split('\n')[1]!.slice('data: '.length),
    ) as ResponseStreamEvent;
    expect(data.sequence_number).toBe(10);
  });
});
