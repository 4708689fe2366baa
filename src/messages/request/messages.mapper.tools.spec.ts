import { describe, expect, it } from 'vitest';
import type {
  AnthropicInputBlock,
  AnthropicInputMessage,
} from '../../protocol/anthropic-messages.types.js';
import type { ChatMessage } from '../../protocol/chat-completion.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
import { toolUseIdFor } from '../core/tool-use-ids.js';
import { toChatMessages } from './messages.mapper.js';

const signature = new ThinkingSignature('test secret');

function sut(
  messages: AnthropicInputMessage[],
  system?: string | { type: 'text'; text: string }[],
): { messages: ChatMessage[]; dropped: string[] } {
  const dropped: string[] = [];
  const context = { signature, dropped: (what: string) => dropped.push(what) };
  const request = system === undefined ? { messages } : { messages, system };
  return { messages: toChatMessages(request, context), dropped };
}

// An image source the wire types leave out: chat has no form for it.
const fileImage: AnthropicInputBlock = {
  type: 'image',
  source: { type: 'file', file_id: 'f' },
};

const user = (content: AnthropicInputMessage['content']) =>
  ({ role: 'user', content }) as const;
const assistant = (content: AnthropicInputMessage['content']) =>
  ({ role: 'assistant', content }) as const;

describe(`${toChatMessages.name}: user content and tool results`, () => {
  describe('user content', () => {
    it('makes text blocks one string joined by newlines', () => {
      const { messages } = sut([
        user([
          { type: 'text', text: '<reminder>' },
          { type: 'text', text: 'Do it.' },
        ]),
      ]);

      expect(messages).toEqual([
        { role: 'user', content: '<reminder>\nDo it.' },
      ]);
    });

    it('maps base64 and url images to image_url parts beside the text', () => {
      const { messages } = sut([
        user([
          { type: 'text', text: 'Look:' },
          {
            type: 'image',
            source: { type: 'base64', media_type: 'image/png', data: 'iVBO' },
          },
          { type: 'image', source: { type: 'url', url: 'https://x/a.jpg' } },
        ]),
      ]);

      expect(messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,iVBO' },
            },
            { type: 'image_url', image_url: { url: 'https://x/a.jpg' } },
          ],
        },
      ]);
    });

    it('drops documents, unknown blocks and image sources chat cannot carry', () => {
      const { messages, dropped } = sut([
        user([
          { type: 'text', text: 'Read this' },
          { type: 'document', source: { type: 'text', data: 'doc' } },
          { type: 'search_result', content: [] },
          fileImage,
        ]),
      ]);

      expect(messages).toEqual([{ role: 'user', content: 'Read this' }]);
      expect(dropped).toEqual([
        'document block in a user message',
        'search_result block in a user message',
        'image with a file source',
      ]);
    });

    it('keeps the turn of a user message whose blocks were all dropped', () => {
      const { messages } = sut([user([{ type: 'document', source: {} }])]);

      expect(messages).toEqual([{ role: 'user', content: '' }]);
    });
  });

  describe('tool results', () => {
    const call = (id: string, name = 'f') => ({
      type: 'tool_use' as const,
      id,
      name,
      input: { a: 1 },
    });

    it('maps tool_use to tool_calls and tool_result to a tool message with the same id', () => {
      const id = toolUseIdFor('call_abc');
      const { messages } = sut([
        user('go'),
        assistant([{ type: 'text', text: 'Calling.' }, call(id, 'get')]),
        user([{ type: 'tool_result', tool_use_id: id, content: 'done' }]),
      ]);

      expect(messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: 'Calling.',
          tool_calls: [
            {
              id: 'call_abc',
              type: 'function',
              function: { name: 'get', arguments: '{"a":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_abc', content: 'done' },
      ]);
    });

    it('maps ids issued before the random suffix back too, each call to its own', () => {
      const older = 'toolu_ZnVuY3Rpb25zLkJhc2g6MA'; // functions.Bash:0
      const newer = toolUseIdFor('functions.Bash:0');
      const { messages } = sut([
        assistant([call(older)]),
        user([{ type: 'tool_result', tool_use_id: older, content: 'one' }]),
        assistant([call(newer)]),
        user([{ type: 'tool_result', tool_use_id: newer, content: 'two' }]),
      ]);

      expect(
        messages.map((message) => message.tool_calls?.[0]?.id ?? message),
      ).toEqual([
        'functions.Bash:0',
        { role: 'tool', tool_call_id: 'functions.Bash:0', content: 'one' },
        'functions.Bash:0',
        { role: 'tool', tool_call_id: 'functions.Bash:0', content: 'two' },
      ]);
    });

    it('puts tool messages before the rest of the user message', () => {
      const { messages } = sut([
        assistant([call('t1'), call('t2')]),
        user([
          { type: 'text', text: 'Also this.' },
          { type: 'tool_result', tool_use_id: 't1', content: 'one' },
          { type: 'tool_result', tool_use_id: 't2', content: 'two' },
        ]),
      ]);

      expect(messages.map((message) => message.role)).toEqual([
        'assistant',
        'tool',
        'tool',
        'user',
      ]);
      expect(messages[3]).toEqual({ role: 'user', content: 'Also this.' });
    });

    it('joins the text blocks of a result and marks an error', () => {
      const { messages } = sut([
        assistant([call('t1'), call('t2')]),
        user([
          {
            type: 'tool_result',
            tool_use_id: 't1',
            is_error: true,
            content: [
              { type: 'text', text: 'Permission denied' },
              { type: 'text', text: 'twice' },
            ],
          },
          { type: 'tool_result', tool_use_id: 't2', is_error: true },
        ]),
      ]);

      expect(messages.slice(1)).toEqual([
        {
          role: 'tool',
          tool_call_id: 't1',
          content: 'Error: Permission denied\ntwice',
        },
        { role: 'tool', tool_call_id: 't2', content: 'Error' },
      ]);
    });

    it('moves the images of a result to a user message with a note', () => {
      const { messages } = sut([
        assistant([call('t1')]),
        user([
          {
            type: 'tool_result',
            tool_use_id: 't1',
            content: [
              { type: 'text', text: 'Screenshot taken' },
              {
                type: 'image',
                source: { type: 'url', url: 'https://x/s.png' },
              },
            ],
          },
          { type: 'text', text: 'What do you see?' },
        ]),
      ]);

      expect(messages.slice(1)).toEqual([
        { role: 'tool', tool_call_id: 't1', content: 'Screenshot taken' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Images returned by tool call t1:' },
            { type: 'image_url', image_url: { url: 'https://x/s.png' } },
            { type: 'text', text: 'What do you see?' },
          ],
        },
      ]);
    });

    it('names the tools of a tool_reference and drops other blocks of a result', () => {
      const { messages, dropped } = sut([
        assistant([call('t1', 'ToolSearch')]),
        user([
          {
            type: 'tool_result',
            tool_use_id: 't1',
            content: [
              { type: 'tool_reference', tool_name: 'WebFetch' },
              { type: 'document', source: {} },
            ],
          },
        ]),
      ]);

      expect(messages[1]).toEqual({
        role: 'tool',
        tool_call_id: 't1',
        content: 'Tool available: WebFetch',
      });
      expect(dropped).toEqual(['document block in a tool_result']);
    });
  });
});
