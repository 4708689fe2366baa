import { describe, expect, it } from 'vitest';
import type { AnthropicMessagesRequest } from '../../protocol/anthropic-messages.types.js';
import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
import { upstreamToolCallId } from '../core/tool-use-ids.js';
import { claudeCodeBody } from './claude-code-fixtures.test-support.js';
import { toChatRequest } from './to-chat-request.js';

const signature = new ThinkingSignature(undefined);

function sut(
  fields: Partial<AnthropicMessagesRequest> & Record<string, unknown>,
  stream = false,
): { chat: ChatCompletionRequest; dropped: string[] } {
  const dropped: string[] = [];
  const request: AnthropicMessagesRequest = {
    model: 'm',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    ...fields,
  };
  const chat = toChatRequest(
    request,
    { signature, dropped: (what) => dropped.push(what) },
    { stream },
  );
  return { chat, dropped };
}

const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  input_schema: { type: 'object', properties: {} },
  ...extra,
});

describe(toChatRequest.name, () => {
  describe("Claude Code's body (after one Write call)", () => {
    const body = claudeCodeBody('turn2');
    const { chat, dropped } = sut(body, true);

    it('sends one leading system message: the system blocks but the billing header, then the environment message', () => {
      const system = chat.messages[0];
      const [billing, ...blocks] = body.system as { text: string }[];
      const environment = body.messages[1]?.content as string;

      expect(billing?.text).toMatch(/^x-anthropic-billing-header: cc_version=/);
      expect(system?.role).toBe('system');
      expect(system?.content).toBe(
        [...blocks.map((block) => block.text), environment].join('\n\n'),
      );
      expect(system?.content).not.toContain('x-anthropic-billing-header');
      expect(chat.messages.slice(1).map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'tool',
      ]);
    });

    it('pairs the Write call with its result', () => {
      const callId = upstreamToolCallId('toolu_k_write');

      expect(chat.messages[2]).toEqual({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: callId,
            type: 'function',
            function: {
              name: 'Write',
              arguments: JSON.stringify({
                file_path: '/tmp/k-run-b/work/hello.txt',
                content: 'hello from claude\n',
              }),
            },
          },
        ],
      });
      expect(chat.messages[3]).toMatchObject({
        role: 'tool',
        tool_call_id: callId,
      });
    });

    it('sends every custom tool without its top-level $schema', () => {
      expect(chat.tools?.map((entry) => entry.function.name)).toEqual([
        'Bash',
        'Read',
        'DeferredToolPlaceholder',
        'Write',
      ]);
      const read = chat.tools?.[1]?.function.parameters;
      expect(read).not.toHaveProperty('$schema');
      expect(read).toMatchObject({
        type: 'object',
        required: ['file_path'],
        additionalProperties: false,
      });
    });

    it('asks for high effort, streamed with usage, and leaves the rest behind', () => {
      expect(Object.keys(chat).sort()).toEqual([
        'max_tokens',
        'messages',
        'model',
        'reasoning_effort',
        'stream',
        'stream_options',
        'tools',
        'user',
      ]);
      expect(chat).toMatchObject({
        model: 'some-model',
        max_tokens: 32000,
        reasoning_effort: 'high',
        stream: true,
        stream_options: { include_usage: true },
        user: body.metadata?.user_id,
      });
      expect(dropped).toEqual([]);
    });
  });

  it("folds turn 1's system message, a text block with cache_control, into the first", () => {
    const { chat } = sut(claudeCodeBody('turn1'));

    expect(chat.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
    ]);
    expect(chat.messages[0]?.content).toContain('# Environment');
  });

  it('sets no stream field for a call that does not stream', () => {
    const { chat } = sut({ stream: true }, false);

    expect(chat).toEqual({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  describe('tools', () => {
    it('keeps nested $schema keys and every other schema key', () => {
      const schema = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { x: { $schema: 'kept', type: 'integer', maximum: 9 } },
      };
      const { chat } = sut({
        tools: [{ name: 'f', description: 'F.', input_schema: schema }],
      });

      expect(chat.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'f',
            description: 'F.',
            parameters: {
              type: 'object',
              properties: schema.properties,
            },
          },
        },
      ]);
    });

    it('maps a custom-typed tool and drops server tools', () => {
      const { chat, dropped } = sut({
        tools: [
          { type: 'web_search_20250305', name: 'web_search' },
          tool('f', { type: 'custom', cache_control: {} }),
          { type: 'bash_20250124', name: 'bash' },
        ],
      });

      expect(chat.tools?.map((entry) => entry.function.name)).toEqual(['f']);
      expect(dropped).toEqual([
        'server tool web_search_20250305',
        'server tool bash_20250124',
      ]);
    });

    it.each([
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [{ type: 'none' }, 'none'],
      [
        { type: 'tool', name: 'f' },
        { type: 'function', function: { name: 'f' } },
      ],
      [{ type: 'tool', name: 'web_search' }, 'auto'],
    ] as const)('maps tool_choice %j to %j', (choice, expected) => {
      const { chat } = sut({
        tools: [tool('f'), { type: 'web_search_20250305', name: 'web_search' }],
        tool_choice: choice,
      });

      expect(chat['tool_choice']).toEqual(expected);
      expect(chat).not.toHaveProperty('parallel_tool_calls');
    });

    it('turns disable_parallel_tool_use into parallel_tool_calls: false', () => {
      const { chat } = sut({
        tools: [tool('f')],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
      });

      expect(chat).toMatchObject({
        tool_choice: 'required',
        parallel_tool_calls: false,
      });
    });

    it('sends no tool_choice when no tool is left', () => {
      const { chat } = sut({
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      });

      expect(chat).not.toHaveProperty('tools');
      expect(chat).not.toHaveProperty('tool_choice');
      expect(chat).not.toHaveProperty('parallel_tool_calls');
    });
  });

  describe('generation settings', () => {
    it('maps sampling, stop sequences and the user id', () => {
      const { chat } = sut({
        temperature: 0.2,
        top_p: 0.8,
        top_k: 40,
        stop_sequences: ['END', '###'],
        metadata: { user_id: 'user-1', other: 'x' },
      });

      expect(chat).toMatchObject({
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.8,
        top_k: 40,
        stop: ['END', '###'],
        user: 'user-1',
      });
      expect(chat).not.toHaveProperty('metadata');
    });

    it('sends no stop for an empty stop_sequences, and no user for a null id', () => {
      const { chat } = sut({ stop_sequences: [], metadata: { user_id: null } });

      expect(chat).not.toHaveProperty('stop');
      expect(chat).not.toHaveProperty('user');
    });

    it.each([
      [1024, 'low'],
      [4095, 'low'],
      [4096, 'medium'],
      [16383, 'medium'],
      [16384, 'high'],
      [31999, 'high'],
    ])('maps a thinking budget of %i to %s effort', (budget, effort) => {
      const { chat } = sut({
        thinking: { type: 'enabled', budget_tokens: budget },
      });

      expect(chat['reasoning_effort']).toBe(effort);
    });

    it.each([
      ['low', 'low'],
      ['medium', 'medium'],
      ['high', 'high'],
      ['max', 'high'],
      ['extreme', undefined],
      [undefined, undefined],
    ])('maps adaptive thinking with effort %s to %s', (effort, expected) => {
      const { chat } = sut({
        thinking: { type: 'adaptive' },
        output_config: effort === undefined ? {} : { effort },
      });

      expect(chat['reasoning_effort']).toBe(expected);
    });

    it.each([
      [{ thinking: { type: 'disabled' as const } }],
      [{ output_config: { effort: 'high' } }],
    ])('asks for no effort with %j', (fields) => {
      expect(sut(fields).chat).not.toHaveProperty('reasoning_effort');
    });
  });
});
