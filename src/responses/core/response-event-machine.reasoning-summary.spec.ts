import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  ofType,
  run,
  types,
} from '../../../test/support/machine-harness.js';
import {
  validateResponse,
  validateStreamEvent,
} from '../../../test/support/openapi-schemas.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import { checkStream } from './stream-checker.test-support.js';

const SUMMARY_ITEM_EVENTS = [
  'response.output_item.added',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_summary_part.done',
  'response.output_item.done',
];

function specErrors(
  events: ResponseStreamEvent[],
  response: unknown,
): string[] {
  return [
    ...events.flatMap((event, index) =>
      validateStreamEvent(event).map((error) => `#${index} ${error}`),
    ),
    ...validateResponse(response),
  ];
}

describe('ResponseEventMachine with reasoning.summary', () => {
  it.each(['auto', 'concise', 'detailed'])(
    'streams the reasoning as a summary for %s, in OpenAI order',
    (summary) => {
      const { events, sut } = run(
        [
          chunk({ role: 'assistant', reasoning_content: 'Let me ' }),
          chunk({ reasoning_content: 'think.' }),
          chunk({ content: 'Answer.' }),
          chunk({}, 'stop'),
        ],
        { reasoning: { effort: 'low', summary } },
      );

      const { final } = checkStream(events);
      expect(types(events).slice(2, 10)).toEqual([
        ...SUMMARY_ITEM_EVENTS,
        'response.output_item.added',
      ]);
      expect(events[2]?.['item']).toEqual({
        id: expect.stringMatching(/^rs_/),
        type: 'reasoning',
        summary: [],
      });
      expect(events[3]).toMatchObject({
        output_index: 0,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
      expect(events[7]).toEqual({
        type: 'response.reasoning_summary_part.done',
        sequence_number: 7,
        item_id: (events[2]?.['item'] as { id: string }).id,
        output_index: 0,
        summary_index: 0,
        part: { type: 'summary_text', text: 'Let me think.' },
      });
      expect(final['output']).toMatchObject([
        {
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'Let me think.' }],
        },
        { type: 'message', content: [{ text: 'Answer.' }] },
      ]);
      expect((final['output'] as unknown[])[0]).not.toHaveProperty('content');
      expect(ofType(events, 'response.reasoning_text.delta')).toEqual([]);
      expect(final['reasoning']).toEqual({ effort: 'low', summary });
      expect(specErrors(events, sut.response)).toEqual([]);
    },
  );

  it('keeps the reasoning_text form for summary none, echoed as null', () => {
    const { events, sut } = run(
      [
        chunk({ role: 'assistant', reasoning_content: 'Hmm.' }),
        chunk({ content: 'Answer.' }),
        chunk({}, 'stop'),
      ],
      { reasoning: { summary: 'none' } },
    );

    const { final } = checkStream(events);
    expect(ofType(events, 'response.reasoning_text.delta')).toHaveLength(1);
    expect(ofType(events, 'response.reasoning_summary_text.delta')).toEqual([]);
    expect(final['reasoning']).toEqual({ effort: null, summary: null });
    expect(specErrors(events, sut.response)).toEqual([]);
  });

  it('offers a <think> block as the summary', () => {
    const { events } = run(
      [chunk({ content: '<think>Step one.</think>' }), chunk({ content: 'B' })],
      { reasoning: { summary: 'auto' } },
    );

    const { final } = checkStream(events);
    expect(final['output']).toMatchObject([
      { summary: [{ type: 'summary_text', text: 'Step one.' }] },
      { type: 'message', content: [{ text: 'B' }] },
    ]);
    expect(
      ofType(events, 'response.reasoning_summary_text.delta').length,
    ).toBeGreaterThan(0);
  });

  it('marks a summary cut off by max_output_tokens incomplete', () => {
    const { events, sut } = run(
      [chunk({ reasoning: 'Half a tho' }), chunk({}, 'length')],
      { reasoning: { summary: 'auto' } },
    );

    const { final } = checkStream(events);
    expect(ofType(events, 'response.reasoning_summary_part.done')).toEqual([
      expect.objectContaining({ status: 'incomplete' }),
    ]);
    expect(final['output']).toEqual([
      expect.objectContaining({
        status: 'incomplete',
        summary: [{ type: 'summary_text', text: 'Half a tho' }],
      }),
    ]);
    expect(final['status']).toBe('incomplete');
    expect(specErrors(events, sut.response)).toEqual([]);
  });

  it.each([
    ['absent', undefined],
    ['null', { summary: null }],
    ['effort only', { effort: 'high' }],
  ])('keeps reasoning_text when the summary is %s', (_name, reasoning) => {
    const { events } = run(
      [chunk({ reasoning_content: 'Hmm.' }), chunk({ content: 'A' })],
      reasoning === undefined ? {} : { reasoning },
    );

    const { final } = checkStream(events);
    expect(
      ofType(events, 'response.reasoning_summary_part.added'),
    ).toHaveLength(0);
    expect(final['output']).toMatchObject([
      { summary: [], content: [{ type: 'reasoning_text', text: 'Hmm.' }] },
      { type: 'message' },
    ]);
  });

  // The two forms carry the same text through the same number of events:
  // only the names and the part's place in the item differ.
  it('gives the text form the summary form would, for any chunking', () => {
    const delta = fc.oneof(
      fc.record({ reasoning_content: fc.string({ maxLength: 6 }) }),
      fc.record({ reasoning: fc.string({ maxLength: 6 }) }),
      fc.record({
        content: fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.constantFrom('<think>', '</think>', '<th', 'ink>'),
        ),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(delta, { maxLength: 10 }),
        fc.constantFrom('stop', 'length'),
        (deltas, finish) => {
          const chunks: ChatCompletionChunk[] = [
            ...deltas.map((each) => chunk(each)),
            chunk({}, finish),
          ];
          const asText = run(chunks);
          const asSummary = run(chunks, { reasoning: { summary: 'auto' } });
          checkStream(asText.events);
          const { final } = checkStream(asSummary.events);
          expect(asSummary.events).toHaveLength(asText.events.length);
          expect(final['output']).toEqual(
            (asText.sut.response.output as Record<string, unknown>[]).map(
              asSummaryItem,
            ),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A text-form reasoning item as the summary form gives it (ids aside). */
function asSummaryItem(item: Record<string, unknown>): unknown {
  if (item['type'] !== 'reasoning') {
    return { ...item, id: expect.any(String) };
  }
  const { content, ...rest } = item;
  return {
    ...rest,
    id: expect.any(String),
    summary: (content as { text: string }[]).map(({ text }) => ({
      type: 'summary_text',
      text,
    })),
  };
}
