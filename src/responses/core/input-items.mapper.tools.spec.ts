import { describe, expect, it } from 'vitest';
import { toChatMessages } from './input-items.mapper.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

function sut(items: unknown[]): ReturnType<typeof toChatMessages> {
  return toChatMessages(items as ResponseInputItem[]);
}

describe(toChatMessages.name, () => {
  describe('tool calls and reasoning', () => {
    it('merges consecutive function calls, and the assistant text before them, into one message', () => {
      expect(
        sut([
          { role: 'user', content: 'Weather and time?' },
          {
            role: 'assistant',
            content: [
              { type: 'output_text', text: 'Checking.', annotations: [] },
            ],
          },
          {
            type: 'function_call',
            call_id: 'c1',
            name: 'get_weather',
            arguments: '{"city":"Oslo"}',
          },
          {
            type: 'function_call',
            id: 'fc_2',
            status: 'completed',
            call_id: 'c2',
            name: 'get_time',
            arguments: '{}',
          },
          { type: 'function_call_output', call_id: 'c1', output: 'Sunny' },
          { type: 'function_call_output', call_id: 'c2', output: '12:00' },
          {
            type: 'function_call',
            call_id: 'c3',
            name: 'get_time',
            arguments: '{}',
          },
        ]),
      ).toEqual([
        { role: 'user', content: 'Weather and time?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            {
              id: 'c2',
              type: 'function',
              function: { name: 'get_time', arguments: '{}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'Sunny' },
        { role: 'tool', tool_call_id: 'c2', content: '12:00' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'c3',
              type: 'function',
              function: { name: 'get_time', arguments: '{}' },
            },
          ],
        },
      ]);
    });

    it('sends array tool output as text, and its images in a user message after the tool messages', () => {
      expect(
        sut([
          {
            type: 'function_call',
            call_id: 'c1',
            name: 'shot',
            arguments: '{}',
          },
          {
            type: 'function_call',
            call_id: 'c2',
            name: 'shot',
            arguments: '{}',
          },
          {
            type: 'function_call_output',
            call_id: 'c1',
            output: [
              { type: 'input_text', text: 'Saved.' },
              { type: 'input_image', image_url: 'data:image/png;base64,AA' },
            ],
          },
          {
            type: 'function_call_output',
            call_id: 'c2',
            output: [
              { type: 'input_text', text: 'a' },
              { type: 'input_text', text: 'b' },
            ],
          },
          { role: 'user', content: 'Thanks' },
        ]).slice(1),
      ).toEqual([
        { role: 'tool', tool_call_id: 'c1', content: 'Saved.' },
        { role: 'tool', tool_call_id: 'c2', content: 'a\nb' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Attachments returned by tool call c1:' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,AA' },
            },
          ],
        },
        { role: 'user', content: 'Thanks' },
      ]);
    });

    it('maps custom tool calls (apply_patch) to a function call with one input argument', () => {
      const patch = '*** Begin Patch\n*** End Patch';
      expect(
        sut([
          {
            type: 'custom_tool_call',
            status: 'completed',
            call_id: 'p1',
            name: 'apply_patch',
            input: patch,
          },
          { type: 'custom_tool_call_output', call_id: 'p1', output: 'Done' },
        ]),
      ).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'p1',
              type: 'function',
              function: {
                name: 'apply_patch',
                arguments: JSON.stringify({ input: patch }),
              },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'p1', content: 'Done' },
      ]);
    });

    it('flattens the namespace of a function call item', () => {
      const [message] = sut([
        {
          type: 'function_call',
          call_id: 'c',
          namespace: 'files',
          name: 'read',
          arguments: '{}',
        },
      ]);
      expect(message?.tool_calls?.[0]?.function.name).toBe('files__read');
    });

    it('puts reasoning (summary and content) on the next assistant message', () => {
      expect(
        sut([
          { role: 'user', content: 'Q' },
          {
            type: 'reasoning',
            id: 'rs_1',
            summary: [{ type: 'summary_text', text: 'Summary.' }],
            content: [{ type: 'reasoning_text', text: 'Raw thoughts.' }],
          },
          { type: 'reasoning', summary: [], encrypted_content: null },
          { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
        ])[1],
      ).toEqual({
        role: 'assistant',
        content: null,
        reasoning_content: 'Summary.\n\nRaw thoughts.',
        tool_calls: [
          {
            id: 'c',
            type: 'function',
            function: { name: 'f', arguments: '{}' },
          },
        ],
      });
    });

    it('drops reasoning that no assistant message follows', () => {
      expect(
        sut([
          {
            type: 'reasoning',
            summary: [{ type: 'summary_text', text: 'lost' }],
          },
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: 'A' },
        ]),
      ).toEqual([
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'A' },
      ]);
    });

    it('replays an mcp_call from history as a call and its result', () => {
      expect(
        sut([
          {
            type: 'mcp_list_tools',
            id: 'mcpl_1',
            server_label: 'fs',
            tools: [],
          },
          {
            type: 'mcp_call',
            id: 'mcp_1',
            server_label: 'fs',
            name: 'read',
            arguments: '{"p":1}',
            output: 'text',
          },
        ]),
      ).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'mcp_1',
              type: 'function',
              function: { name: 'fs__read', arguments: '{"p":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'mcp_1', content: 'text' },
      ]);
    });
  });
});
