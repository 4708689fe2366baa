import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../protocol/chat-completion.types.js';
import {
  EXAMPLE_TOOLS,
  PROSE_MENTIONING_TOOL_SYNTAX,
  TEXT_TOOL_CALL_EXAMPLES,
} from './text-tool-call-examples.test-support.js';
import {
  parseContextOf,
  type TextToolCallParsing,
} from './text-tool-call-parsing.js';
import { textToolCallsInCompletion } from './text-tool-calls.completion.js';
import { resolveToolCallFamilies } from './tool-call-format.js';

function completion(
  message: ChatCompletion['choices'][number]['message'],
  finish = 'stop',
): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  };
}

function parsing(model = 'some-model'): TextToolCallParsing {
  let n = 0;
  return {
    families: resolveToolCallFamilies('auto', model),
    context: parseContextOf(EXAMPLE_TOOLS),
    newCallId: () => `call_${n++}`,
  };
}

describe(textToolCallsInCompletion.name, () => {
  for (const ex of TEXT_TOOL_CALL_EXAMPLES) {
    it(`${ex.family}: ${ex.model}`, () => {
      const sut = textToolCallsInCompletion(
        completion({ role: 'assistant', content: ex.text }),
        parsing(ex.model),
      );
      const choice = sut.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const calls = choice.message.tool_calls ?? [];
      expect(calls.map((c) => [c.id, c.type, c.function.name])).toEqual(
        ex.calls.map((c, i) => [`call_${i}`, 'function', c.name]),
      );
      expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual(
        ex.calls.map((c) => c.args),
      );
      // Whitespace beside the calls only is no content.
      expect(choice.message.content).toBe(
        ex.rest.trim() === '' ? null : ex.rest,
      );
      expect(choice.message.reasoning_content ?? '').toBe(ex.reasoning);
      expect(sut.usage).toEqual(completion({ role: 'assistant' }).usage);
    });
  }

  it('returns a completion without tool syntax as the same object', () => {
    const plain = completion({
      role: 'assistant',
      content: PROSE_MENTIONING_TOOL_SYNTAX,
    });
    expect(textToolCallsInCompletion(plain, parsing())).toBe(plain);
  });

  it('appends parsed calls to native ones and keeps finish_reason length', () => {
    const sut = textToolCallsInCompletion(
      completion(
        {
          role: 'assistant',
          content:
            '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>',
          tool_calls: [
            {
              id: 'call_native',
              type: 'function',
              function: { name: 'calculate', arguments: '{"count":1}' },
            },
          ],
        },
        'length',
      ),
      parsing(),
    );
    expect(sut.choices[0]!.message.tool_calls?.map((c) => c.id)).toEqual([
      'call_native',
      'call_0',
    ]);
    expect(sut.choices[0]!.finish_reason).toBe('length');
  });

  it('reads text before a lone </think> as reasoning the template opened', () => {
    const sut = textToolCallsInCompletion(
      completion({
        role: 'assistant',
        content:
          'Check the clock.</think>\n<tool_call>{"name": "get_time", "arguments": {}}</tool_call>',
      }),
      parsing('qwen3-8b'),
    );
    expect(sut.choices[0]!.message).toMatchObject({
      content: null,
      reasoning_content: 'Check the clock.',
      tool_calls: [{ function: { name: 'get_time', arguments: '{}' } }],
    });
  });

  it('leaves non-string content alone', () => {
    const parts = completion({
      role: 'assistant',
      content: [{ type: 'text', text: '<tool_call>' }],
    });
    expect(textToolCallsInCompletion(parts, parsing())).toBe(parts);
  });
});
