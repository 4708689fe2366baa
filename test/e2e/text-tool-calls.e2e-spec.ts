import OpenAI from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EXAMPLE_TOOLS,
  PROSE_MENTIONING_TOOL_SYNTAX,
  TEXT_TOOL_CALL_EXAMPLES,
  type TextToolCallExample,
} from '../../src/tool-calls/text-tool-call-examples.test-support.js';
import { completion, textStream } from '../support/chat-chunks.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { FakeUpstream } from '../support/fake-upstream.js';

const CHAT_TOOLS = EXAMPLE_TOOLS as OpenAI.Chat.ChatCompletionTool[];
const RESPONSES_TOOLS: OpenAI.Responses.FunctionTool[] = EXAMPLE_TOOLS.map(
  (t) => ({
    type: 'function',
    name: t.function.name,
    parameters: t.function.parameters ?? null,
    strict: false,
  }),
);
const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'What is the weather?' },
];

/** The upstream writes `text` as content: streamed in 5-char pieces, or whole. */
function answerWith(upstream: FakeUpstream, text: string): void {
  upstream.setHandler((request) =>
    request.body?.stream
      ? {
          kind: 'stream',
          chunks: textStream(text.match(/[\s\S]{1,5}/gu) ?? []),
        }
      : { kind: 'json', body: completion({ content: text }) },
  );
}

function expectCalls(
  calls: readonly { name: string; arguments: string }[],
  ex: TextToolCallExample,
): void {
  expect(calls.map((c) => c.name)).toEqual(ex.calls.map((c) => c.name));
  expect(calls.map((c) => JSON.parse(c.arguments))).toEqual(
    ex.calls.map((c) => c.args),
  );
}

describe('tool calls written as text become real tool calls', () => {
  const harness = useGatewayWithUpstream({
    env: {
      UPSTREAM_MAX_RETRIES: '0',
    },
    apiKey: 'sk-client',
  });

  describe.each(
    TEXT_TOOL_CALL_EXAMPLES.map(
      (ex) => [`${ex.family} (${ex.model})`, ex] as const,
    ),
  )('%s', (_title, ex) => {
    beforeEach(() => answerWith(harness.upstream, ex.text));
    const chatRequest = { model: ex.model, messages, tools: CHAT_TOOLS };

    it('chat.completions.create streamed', async () => {
      const stream = await harness.client.chat.completions.create({
        ...chatRequest,
        stream: true,
      });
      const calls: { id: string; name: string; arguments: string }[] = [];
      let content = '';
      let lastCallChunk = -1;
      const finishes: [number, string][] = [];
      let at = 0;
      for await (const part of stream) {
        const choice = part.choices[0];
        content += choice?.delta.content ?? '';
        for (const call of choice?.delta.tool_calls ?? []) {
          lastCallChunk = at;
          const entry = (calls[call.index] ??= {
            id: call.id ?? '',
            name: call.function?.name ?? '',
            arguments: '',
          });
          entry.arguments += call.function?.arguments ?? '';
        }
        if (choice?.finish_reason) {
          finishes.push([at, choice.finish_reason]);
        }
        at++;
      }
      expectCalls(calls, ex);
      expect(calls.every((c) => /^call_\w+$/.test(c.id))).toBe(true);
      expect(content).toBe(ex.rest);
      expect(finishes).toEqual([[lastCallChunk, 'tool_calls']]);
    });

    it('chat.completions.create', async () => {
      const result = await harness.client.chat.completions.create(chatRequest);
      const choice = result.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expectCalls(
        (choice.message.tool_calls ?? []).map((c) =>
          c.type === 'function' ? c.function : { name: '', arguments: '' },
        ),
        ex,
      );
    });

    it('chat.completions.stream().finalChatCompletion()', async () => {
      const final = await harness.client.chat.completions
        .stream(chatRequest)
        .finalChatCompletion();
      const choice = final.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expectCalls(
        (choice.message.tool_calls ?? []).map((c) => c.function),
        ex,
      );
    });

    it('responses.stream().finalResponse()', async () => {
      const stream = harness.client.responses.stream({
        model: ex.model,
        input: 'What is the weather?',
        tools: RESPONSES_TOOLS,
      });
      const events: unknown[] = [];
      for await (const event of stream) {
        events.push(event);
      }
      const final = await stream.finalResponse();
      expectSchemaValid(events, final);
      expect(final.status).toBe('completed');
      expectCalls(
        final.output.flatMap((item) =>
          item.type === 'function_call' ? [item] : [],
        ),
        ex,
      );
      if (ex.reasoning.trim() !== '') {
        expect(final.output[0]?.type).toBe('reasoning');
      }
    });

    it('responses.create', async () => {
      const response = await harness.client.responses.create({
        model: ex.model,
        input: 'What is the weather?',
        tools: RESPONSES_TOOLS,
      });
      expectSchemaValid([], response);
      expectCalls(
        response.output.flatMap((item) =>
          item.type === 'function_call' ? [item] : [],
        ),
        ex,
      );
    });
  });

  describe('false positives', () => {
    beforeEach(() =>
      answerWith(harness.upstream, PROSE_MENTIONING_TOOL_SYNTAX),
    );

    it('keeps prose mentioning <tool_call> as text in a chat stream', async () => {
      const stream = await harness.client.chat.completions.create({
        model: 'qwen3-8b',
        messages,
        tools: CHAT_TOOLS,
        stream: true,
      });
      let content = '';
      for await (const part of stream) {
        expect(part.choices[0]?.delta.tool_calls).toBeUndefined();
        content += part.choices[0]?.delta.content ?? '';
      }
      expect(content).toBe(PROSE_MENTIONING_TOOL_SYNTAX);
    });

    it('keeps it as the message text of a response', async () => {
      const response = await harness.client.responses.create({
        model: 'qwen3-8b',
        input: 'hi',
        tools: RESPONSES_TOOLS,
      });
      expect(response.output.map((item) => item.type)).toEqual(['message']);
      expect(response.output_text).toBe(PROSE_MENTIONING_TOOL_SYNTAX);
    });
  });

  it('passes tool syntax through as text when the request declares no tools', async () => {
    const text = TEXT_TOOL_CALL_EXAMPLES[0]!.text;
    answerWith(harness.upstream, text);
    const result = await harness.client.chat.completions.create({
      model: 'qwen3-8b',
      messages,
    });
    expect(result.choices[0]!.message.content).toBe(text);
    expect(result.choices[0]!.finish_reason).toBe('stop');
  });
});
