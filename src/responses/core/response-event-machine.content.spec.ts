import { describe, expect, it } from 'vitest';
import { toChatRequest } from './to-chat-request.js';
import { ResponseEventMachine } from './response-event-machine.js';
import {
  chunk,
  ofType,
  run,
  types,
} from '../../../test/support/machine-harness.js';
import { checkStream } from './stream-checker.test-support.js';

describe(ResponseEventMachine.name, () => {
  describe('reasoning and refusals', () => {
    it.each([
      ['reasoning_content', { reasoning_content: 'Let me think.' }],
      ['reasoning', { reasoning: 'Let me think.' }],
      [
        'both (reasoning_content wins)',
        { reasoning_content: 'Let me think.', reasoning: 'other' },
      ],
    ])(
      'puts reasoning from %s first, closed before the message opens',
      (_name, delta) => {
        const { events } = run([
          chunk({ role: 'assistant', ...delta }),
          chunk({ content: 'Answer.' }),
          chunk({}, 'stop'),
        ]);

        const { final } = checkStream(events);
        expect(types(events).slice(2, 9)).toEqual([
          'response.output_item.added',
          'response.content_part.added',
          'response.reasoning_text.delta',
          'response.reasoning_text.done',
          'response.content_part.done',
          'response.output_item.done',
          'response.output_item.added',
        ]);
        expect(events[2]?.['item']).toMatchObject({
          type: 'reasoning',
          summary: [],
          content: [],
        });
        expect(String((events[2]?.['item'] as { id: string }).id)).toMatch(
          /^rs_/,
        );
        expect(final['output']).toMatchObject([
          {
            type: 'reasoning',
            summary: [],
            content: [{ type: 'reasoning_text', text: 'Let me think.' }],
          },
          { type: 'message', content: [{ text: 'Answer.' }] },
        ]);
      },
    );

    it('splits <think> tags split across chunks into a reasoning item', () => {
      const pieces = [
        '<thi',
        'nk>\nStep one',
        '. Step two.</th',
        'ink>\n\nThe answer',
        ' is 4.',
      ];
      const { events } = run([
        ...pieces.map((content) => chunk({ content })),
        chunk({}, 'stop'),
      ]);

      const { final } = checkStream(events);
      expect(final['output']).toMatchObject([
        { type: 'reasoning', content: [{ text: 'Step one. Step two.' }] },
        { type: 'message', content: [{ text: 'The answer is 4.' }] },
      ]);
    });

    it('keeps the text when think-tag splitting is off', () => {
      const sut = new ResponseEventMachine({
        id: 'resp_x',
        createdAt: 1,
        request: { model: 'm', input: 'hi' },
        tools: toChatRequest({ model: 'm', input: 'hi' }, []).tools,
        splitThinkTags: false,
      });
      sut.onChunk(chunk({ content: '<think>x</think>y' }));
      sut.finish();

      expect(sut.response.output).toMatchObject([
        { content: [{ text: '<think>x</think>y' }] },
      ]);
    });

    it('streams a refusal as a refusal part', () => {
      const { events } = run([
        chunk({ refusal: "I can't" }),
        chunk({ refusal: ' help.' }),
        chunk({}, 'stop'),
      ]);

      const { final } = checkStream(events);
      expect(ofType(events, 'response.refusal.delta')).toHaveLength(2);
      expect(ofType(events, 'response.refusal.done')[0]).toMatchObject({
        refusal: "I can't help.",
      });
      expect(final['output']).toMatchObject([
        { content: [{ type: 'refusal', refusal: "I can't help." }] },
      ]);
    });

    it('puts text and a refusal in one message as two parts', () => {
      const { events } = run([
        chunk({ content: 'Well.' }),
        chunk({ refusal: 'No.' }),
        chunk({}, 'stop'),
      ]);

      const { final } = checkStream(events);
      expect(
        ofType(events, 'response.content_part.added').map(
          (event) => event['content_index'],
        ),
      ).toEqual([0, 1]);
      expect(final['output']).toMatchObject([
        {
          type: 'message',
          content: [
            { type: 'output_text', text: 'Well.' },
            { type: 'refusal', refusal: 'No.' },
          ],
        },
      ]);
    });

    it('starts a new item when reasoning comes back after text', () => {
      const { events } = run([
        chunk({ content: 'A' }),
        chunk({ reasoning_content: 'hmm' }),
        chunk({ content: 'B' }),
        chunk({}, 'stop'),
      ]);

      const { final } = checkStream(events);
      expect(
        (final['output'] as { type: string }[]).map((item) => item.type),
      ).toEqual(['message', 'reasoning', 'message']);
    });
  });
});
