import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { decodeCompletion } from './completion-decoder.js';

const decode = (raw: Record<string, unknown>) =>
  decodeCompletion(raw, 'u', (what) => new Error(what));

describe(decodeCompletion.name, () => {
  it("gives LM Studio's tool-call message (no content key) a null content and keeps its calls", () => {
    const completion = decode({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            tool_calls: [
              {
                id: '365174485',
                type: 'function',
                function: { name: 'f', arguments: '{"a":1}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([
      {
        id: '365174485',
        type: 'function',
        function: { name: 'f', arguments: '{"a":1}' },
      },
    ]);
  });

  it('reads nulls as absent, makes missing ids, and says tool_calls after a call', () => {
    const completion = decode({
      choices: [
        {
          message: {
            role: null,
            content: null,
            reasoning_content: null,
            tool_calls: [
              { function: { name: 'f', arguments: { a: 1 } } },
              null,
            ],
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: null, reasoning_tokens: 2 },
    });
    const [choice] = completion.choices;
    expect(choice!.index).toBe(0);
    expect(choice!.finish_reason).toBe('tool_calls');
    expect(choice!.message.role).toBe('assistant');
    expect(choice!.message.tool_calls?.[0]?.id).toMatch(/^call_/);
    expect(choice!.message.tool_calls?.[0]?.function.arguments).toBe('{"a":1}');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 3,
      completion_tokens: 0,
      total_tokens: 3,
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    expect(typeof completion.id).toBe('string');
  });

  it('throws the upstream error of an error body sent with a 200', () => {
    expect(() =>
      decode({ error: { message: 'maximum context length is 10', code: 400 } }),
    ).toThrow(GatewayException);
  });

  it('refuses a completion without a choices array', () => {
    expect(() => decode({ id: 'x' })).toThrow(/choices/);
  });
});
