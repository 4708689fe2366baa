import { describe, expect, it } from 'vitest';
import type { AnthropicInputMessage } from '../../protocol/anthropic-messages.types.js';
import type { ChatMessage } from '../../protocol/chat-completion.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
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

const user = (content: AnthropicInputMessage['content']) =>
  ({ role: 'user', content }) as const;
const assistant = (content: AnthropicInputMessage['content']) =>
  ({ role: 'assistant', content }) as const;

describe(toChatMessages.name, () => {
  describe('system prompt', () => {
    it('makes the system string the first message', () => {
      expect(sut([user('hi')], 'Be brief.').messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ]);
    });

    it('joins system text blocks with a blank line, ignoring cache_control', () => {
      const system = [
        { type: 'text' as const, text: 'One.' },
        { type: 'text' as const, text: 'Two.', cache_control: {} },
      ];

      expect(sut([user('hi')], system).messages[0]).toEqual({
        role: 'system',
        content: 'One.\n\nTwo.',
      });
    });

    it('folds system messages into the first one, in order, wherever they are', () => {
      const { messages } = sut(
        [
          user('hi'),
          { role: 'system', content: 'Env.' },
          assistant('hello'),
          { role: 'system', content: [{ type: 'text', text: 'Later.' }] },
        ],
        'Prompt.',
      );

      expect(messages).toEqual([
        { role: 'system', content: 'Prompt.\n\nEnv.\n\nLater.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ]);
    });

    it('makes a system message of system messages alone when there is no system prompt', () => {
      expect(
        sut([user('hi'), { role: 'system', content: 'Env.' }]).messages,
      ).toEqual([
        { role: 'system', content: 'Env.' },
        { role: 'user', content: 'hi' },
      ]);
    });

    it('sends no system message when every system text is empty', () => {
      expect(
        sut([user('hi'), { role: 'system', content: '' }], []).messages,
      ).toEqual([{ role: 'user', content: 'hi' }]);
    });

    it('drops blocks other than text from a system message', () => {
      const { messages, dropped } = sut([
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Env.' },
            { type: 'image', source: { type: 'url', url: 'u' } },
          ],
        },
        user('hi'),
      ]);

      expect(messages[0]).toEqual({ role: 'system', content: 'Env.' });
      expect(dropped).toEqual(['image block in a system message']);
    });
  });

  describe('assistant content', () => {
    it('keeps a string as the content', () => {
      expect(sut([assistant('Hi.')]).messages).toEqual([
        { role: 'assistant', content: 'Hi.' },
      ]);
    });

    it('sends null content for a message of tool calls only', () => {
      const { messages } = sut([
        assistant([{ type: 'tool_use', id: 't', name: 'f', input: {} }]),
      ]);

      expect(messages[0]).toMatchObject({ role: 'assistant', content: null });
      expect(messages[0]?.tool_calls?.[0]?.function.arguments).toBe('{}');
    });

    it('hands thinking the gateway signed back as reasoning_content', () => {
      const thinking = 'Let me think.';
      const { messages } = sut([
        assistant([
          { type: 'thinking', thinking, signature: signature.sign(thinking) },
          { type: 'text', text: 'Answer.' },
        ]),
      ]);

      expect(messages).toEqual([
        { role: 'assistant', content: 'Answer.', reasoning_content: thinking },
      ]);
    });

    it('drops thinking signed by someone else, and redacted thinking, without refusing', () => {
      const other = new ThinkingSignature('another secret');
      const { messages, dropped } = sut([
        assistant([
          { type: 'thinking', thinking: 'a', signature: other.sign('a') },
          {
            type: 'thinking',
            thinking: 'b',
            signature: signature.sign('not b'),
          },
          { type: 'redacted_thinking', data: 'xyz' },
          { type: 'text', text: 'Answer.' },
        ]),
      ]);

      expect(messages).toEqual([{ role: 'assistant', content: 'Answer.' }]);
      expect(dropped).toEqual([
        'thinking block not signed by this gateway',
        'thinking block not signed by this gateway',
        'redacted_thinking block in an assistant message',
      ]);
    });

    it('leaves out an assistant message of thinking only', () => {
      const thinking = 'Hmm.';
      const { messages } = sut([
        user('hi'),
        assistant([
          { type: 'thinking', thinking, signature: signature.sign(thinking) },
        ]),
        user('again'),
      ]);

      expect(messages).toEqual([
        { role: 'user', content: 'hi' },
        { role: 'user', content: 'again' },
      ]);
    });
  });
});
