import { describe, expect, it } from 'vitest';
import { toolCallStream } from '../../../test/support/chat-chunks.js';
import { ResponseEventMachine } from './response-event-machine.js';
import {
  asChunks,
  chunk,
  ofType,
  run,
  weatherTools,
} from '../../../test/support/machine-harness.js';
import { checkStream } from './stream-checker.test-support.js';

describe(ResponseEventMachine.name, () => {
  describe('tool calls', () => {
    it('streams a function call with its call id, name and arguments', () => {
      const { events } = run(
        asChunks(
          toolCallStream([
            {
              id: 'call_a',
              name: 'get_weather',
              arguments: '{"city":"Paris"}',
            },
          ]),
        ),
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      const added = ofType(events, 'response.output_item.added')[0];
      expect(added?.['item']).toMatchObject({
        type: 'function_call',
        status: 'in_progress',
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '',
      });
      expect(String((added?.['item'] as { id: string }).id)).toMatch(/^fc_/);
      expect(
        ofType(events, 'response.function_call_arguments.done')[0],
      ).toMatchObject({
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      });
      expect(final['status']).toBe('completed');
      expect(final['output']).toEqual([
        expect.objectContaining({
          type: 'function_call',
          status: 'completed',
          call_id: 'call_a',
          arguments: '{"city":"Paris"}',
        }),
      ]);
    });

    it('puts text first, then two parallel calls one after the other', () => {
      const { events } = run(
        asChunks(
          toolCallStream(
            [
              {
                id: 'call_1',
                name: 'get_weather',
                arguments: '{"city":"Oslo"}',
              },
              { id: 'call_2', name: 'get_time', arguments: '{"tz":"CET"}' },
            ],
            'Checking.',
          ),
        ),
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      expect(
        ofType(events, 'response.output_item.added').map(
          (event) => event['output_index'],
        ),
      ).toEqual([0, 1, 2]);
      expect(final['output']).toMatchObject([
        { type: 'message', content: [{ text: 'Checking.' }] },
        {
          type: 'function_call',
          call_id: 'call_1',
          arguments: '{"city":"Oslo"}',
        },
        { type: 'function_call', call_id: 'call_2', arguments: '{"tz":"CET"}' },
      ]);
    });

    it('serializes calls whose argument deltas arrive interleaved by index', () => {
      const call = (index: number, fields: Record<string, unknown>) =>
        chunk({ tool_calls: [{ index, ...fields }] });
      const { events } = run(
        [
          call(0, {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          }),
          call(1, {
            id: 'call_2',
            type: 'function',
            function: { name: 'get_time', arguments: '' },
          }),
          call(0, { function: { arguments: '{"city":' } }),
          call(1, { function: { arguments: '{"tz":' } }),
          call(0, { function: { arguments: '"Rome"}' } }),
          call(1, { function: { arguments: '"UTC"}' } }),
          chunk({}, 'tool_calls'),
        ],
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      expect(final['output']).toMatchObject([
        {
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Rome"}',
        },
        { call_id: 'call_2', name: 'get_time', arguments: '{"tz":"UTC"}' },
      ]);
    });

    it('accepts calls without index, with repeated ids, whole in one chunk, or without type', () => {
      const { events } = run(
        [
          chunk({
            tool_calls: [
              {
                id: 'a',
                function: { name: 'get_weather', arguments: '{"city":' },
              },
            ],
          }),
          chunk({
            tool_calls: [{ id: 'a', function: { arguments: '"Oslo"}' } }],
          }),
          chunk({
            tool_calls: [
              { id: 'b', function: { name: 'get_time', arguments: '{}' } },
            ],
          }),
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'c',
                function: { name: 'get_time', arguments: '{"tz":"X"}' },
              },
            ],
          }),
          chunk({}, 'tool_calls'),
        ],
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      expect(final['output']).toMatchObject([
        { call_id: 'a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { call_id: 'b', name: 'get_time', arguments: '{}' },
        { call_id: 'c', name: 'get_time', arguments: '{"tz":"X"}' },
      ]);
    });

    it('generates a call_id when the upstream sends none, and {} for empty arguments', () => {
      const { events } = run(
        [
          chunk({ tool_calls: [{ index: 0, function: { name: 'get_time' } }] }),
          chunk({}, 'tool_calls'),
        ],
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      const [item] = final['output'] as Record<string, unknown>[];
      expect(item?.['call_id']).toMatch(/^call_[0-9a-f]{24,}$/);
      expect(item?.['arguments']).toBe('{}');
    });

    it('turns a call to a declared custom tool into a custom_tool_call with the raw input', () => {
      const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
      const args = JSON.stringify({ input: patch });
      const { events } = run(
        [
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_p',
                function: { name: 'apply_patch', arguments: args.slice(0, 9) },
              },
            ],
          }),
          chunk({
            tool_calls: [{ index: 0, function: { arguments: args.slice(9) } }],
          }),
          chunk({}, 'tool_calls'),
        ],
        {
          tools: [
            { type: 'custom', name: 'apply_patch', description: 'Edit files' },
          ],
        },
      );

      const { final } = checkStream(events);
      expect(ofType(events, 'response.function_call_arguments.delta')).toEqual(
        [],
      );
      expect(
        ofType(events, 'response.custom_tool_call_input.done')[0],
      ).toMatchObject({ input: patch });
      const [item] = final['output'] as Record<string, unknown>[];
      expect(item).toMatchObject({
        type: 'custom_tool_call',
        call_id: 'call_p',
        name: 'apply_patch',
        input: patch,
      });
      expect(String(item?.['id'])).toMatch(/^ctc_/);
    });

    it('gives a namespaced tool its own name and namespace back', () => {
      const { events } = run(
        [
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'c1',
                function: { name: 'files__read', arguments: '{}' },
              },
            ],
          }),
          chunk({}, 'tool_calls'),
        ],
        {
          tools: [
            {
              type: 'namespace',
              name: 'files',
              description: 'Files',
              tools: [{ type: 'function', name: 'read' }],
            },
          ],
        },
      );

      const { final } = checkStream(events);
      expect(
        ofType(events, 'response.function_call_arguments.done')[0],
      ).toMatchObject({ name: 'read' });
      expect(final['output']).toMatchObject([
        { type: 'function_call', name: 'read', namespace: 'files' },
      ]);
    });

    it('holds text that follows a tool call until the call is done', () => {
      const { events } = run(
        [
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'c',
                function: { name: 'get_time', arguments: '{' },
              },
            ],
          }),
          chunk({ content: 'After.' }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
          chunk({}, 'tool_calls'),
        ],
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      expect(final['output']).toMatchObject([
        { type: 'function_call', arguments: '{}' },
        { type: 'message', content: [{ text: 'After.' }] },
      ]);
    });

    it('makes no message of whitespace before tool calls', () => {
      const { events } = run(
        [
          chunk({ role: 'assistant', content: '\n\n' }),
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'c',
                function: { name: 'get_time', arguments: '{}' },
              },
            ],
          }),
          chunk({}, 'tool_calls'),
        ],
        { tools: weatherTools },
      );

      const { final } = checkStream(events);
      expect(
        (final['output'] as { type: string }[]).map((item) => item.type),
      ).toEqual(['function_call']);
    });
  });
});
