import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol/chat-completion.types.js';
import { EXAMPLE_TOOLS } from '../tool-calls/text-tool-call-examples.test-support.js';
import { formatToolCall } from './agent-format.js';
import {
  parseAgentFormat,
  type AgentFormat,
} from '../config/agent-format-setting.js';
import { toolCallsFromTaggedHistory } from './tagged-history.js';

const ARGS = '{"city":"Paris","unit":"C"}';

describe(toolCallsFromTaggedHistory.name, () => {
  it.each(['xml', 'llama3', 'qwen3', 'gemma', '<<C>>,<</C>>'])(
    '%s: tagged calls in assistant text become tool_calls',
    (value) => {
      const format = parseAgentFormat(value) as Extract<
        AgentFormat,
        { kind: 'tags' }
      >;
      const written = formatToolCall(format, {
        name: 'get_weather',
        arguments: ARGS,
      });
      const messages: ChatMessage[] = [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: `Checking.\n${written}` },
        { role: 'user', content: 'Result: 21C' },
      ];
      const sut = toolCallsFromTaggedHistory(messages, format, EXAMPLE_TOOLS);
      expect(sut[0]).toBe(messages[0]);
      expect(sut[2]).toBe(messages[2]);
      expect(sut[1]).toMatchObject({ role: 'assistant', content: 'Checking.' });
      const calls = sut[1]?.tool_calls ?? [];
      expect(calls.map((c) => c.function.name)).toEqual(['get_weather']);
      expect(JSON.parse(calls[0]!.function.arguments)).toEqual(
        JSON.parse(ARGS),
      );
      expect(calls[0]?.id).toMatch(/^call_/);
    },
  );

  it('leaves messages without tags, and undeclared tools, as they are', () => {
    const format = parseAgentFormat('xml') as Extract<
      AgentFormat,
      { kind: 'tags' }
    >;
    const messages: ChatMessage[] = [
      { role: 'assistant', content: 'plain' },
      {
        role: 'assistant',
        content: '<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>',
      },
    ];
    expect(toolCallsFromTaggedHistory(messages, format, EXAMPLE_TOOLS)).toBe(
      messages,
    );
  });
});
