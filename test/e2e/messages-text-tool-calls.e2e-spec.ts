import type Anthropic from '@anthropic-ai/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EXAMPLE_TOOLS,
  PROSE_MENTIONING_TOOL_SYNTAX,
  TEXT_TOOL_CALL_EXAMPLES,
  type TextToolCallExample,
} from '../../src/tool-calls/text-tool-call-examples.test-support.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  answerText,
  messagesBody,
  messagesClient,
  textOf,
  toolUsesOf,
  upstreamIdOf,
} from '../support/messages-http.js';

/** The example tools as an Anthropic request declares them. */
const TOOLS: Anthropic.Tool[] = EXAMPLE_TOOLS.map((tool) => ({
  name: tool.function.name,
  ...(tool.function.description === undefined
    ? {}
    : { description: tool.function.description }),
  input_schema: tool.function.parameters as Anthropic.Tool.InputSchema,
}));

/**
 * A model that writes its tool calls as text (Hermes/Qwen `<tool_call>`,
 * and every other family the gateway parses) answers an Anthropic client
 * with real `tool_use` blocks when the request declares tools, streamed or
 * not; without tools, or in prose, the text stays text.
 */
describe('/v1/messages: tool calls written as text become tool_use blocks', () => {
  const harness = useGatewayWithUpstream({
    env: { UPSTREAM_MAX_RETRIES: '0' },
  });
  const client = (): Anthropic => messagesClient(harness.gateway.url);

  /** The client's message for `model` with `tools` (none: null), streamed or not. */
  async function ask(
    model: string,
    stream: boolean,
    tools: Anthropic.Tool[] | null = TOOLS,
  ): Promise<Anthropic.Message> {
    const body = messagesBody('What is the weather?', {
      model,
      ...(tools === null ? {} : { tools }),
    });
    return stream
      ? client().messages.stream(body).finalMessage()
      : client().messages.create(body);
  }

  function expectCalls(
    message: Anthropic.Message,
    ex: TextToolCallExample,
  ): void {
    const calls = toolUsesOf(message);
    expect(calls.map(({ name, input }) => ({ name, args: input }))).toEqual(
      ex.calls,
    );
    const ids = calls.map((call) => upstreamIdOf(call.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(message.stop_reason).toBe('tool_use');
    // What is left beside the calls stays text; whitespace may go.
    expect(textOf(message).trim()).toBe(ex.rest.trim());
  }

  describe.each(
    TEXT_TOOL_CALL_EXAMPLES.map(
      (ex) => [`${ex.family} (${ex.model})`, ex] as const,
    ),
  )('%s', (_title, ex) => {
    beforeEach(() => harness.upstream.setHandler(answerText(ex.text)));

    it.each([false, true])('stream: %s', async (stream) => {
      const message = await ask(ex.model, stream);
      expectCalls(message, ex);
      const thinking = message.content.filter(
        (block) => block.type === 'thinking',
      );
      if (ex.reasoning.trim() === '') {
        expect(thinking).toEqual([]);
      } else {
        expect(message.content[0]).toMatchObject({
          type: 'thinking',
          signature: expect.stringMatching(/.+/),
        });
        expect(thinking.map((block) => block.thinking.trim())).toEqual([
          ex.reasoning.trim(),
        ]);
      }
      // The upstream was offered the tools as functions.
      const offered = harness.upstream.chatRequests[0]!.body.tools as {
        function: { name: string };
      }[];
      expect(offered.map((tool) => tool.function.name)).toEqual(
        TOOLS.map((tool) => tool.name),
      );
    });
  });

  it.each([false, true])(
    'keeps prose mentioning <tool_call> as text (stream: %s)',
    async (stream) => {
      harness.upstream.setHandler(answerText(PROSE_MENTIONING_TOOL_SYNTAX));
      const message = await ask('qwen3-8b', stream);
      expect(message.content.map((block) => block.type)).toEqual(['text']);
      expect(textOf(message)).toBe(PROSE_MENTIONING_TOOL_SYNTAX);
      expect(message.stop_reason).toBe('end_turn');
    },
  );

  it.each([false, true])(
    'passes tool syntax through as text when the request declares no tools (stream: %s)',
    async (stream) => {
      const text = TEXT_TOOL_CALL_EXAMPLES[0]!.text;
      harness.upstream.setHandler(answerText(text));
      const message = await ask('qwen2.5-7b-instruct', stream, null);
      expect(harness.upstream.chatRequests[0]!.body.tools).toBeUndefined();
      expect(toolUsesOf(message)).toEqual([]);
      expect(textOf(message)).toBe(text);
      expect(message.stop_reason).toBe('end_turn');
    },
  );
});
