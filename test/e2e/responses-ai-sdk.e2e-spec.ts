import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { chunk, completion, usageChunk } from '../support/chat-chunks.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

/**
 * The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai` 3, the line that runs on
 * Node 20) reads reasoning only from `summary` and the
 * `response.reasoning_summary_*` events (issue #21).
 */
describe('/v1/responses through the Vercel AI SDK', () => {
  const harness = useGatewayWithUpstream();

  function model() {
    const openai = createOpenAI({
      baseURL: `${harness.gateway.url}/v1`,
      apiKey: 'sk-test',
    });
    return openai.responses('fake-model');
  }

  // A model name the SDK does not know is no reasoning model unless forced.
  const providerOptions = {
    openai: { reasoningSummary: 'auto', forceReasoning: true },
  };

  it('streamText gets the reasoning as reasoningText', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', reasoning_content: 'First I think. ' }),
        chunk({ reasoning_content: 'Then I answer.' }),
        chunk({ content: 'The answer is 42.' }),
        chunk({}, 'stop'),
        usageChunk(10, 20),
      ],
    });

    const result = streamText({
      model: model(),
      prompt: 'Think, then answer',
      providerOptions,
    });

    expect(await result.reasoningText).toBe('First I think. Then I answer.');
    expect(await result.text).toBe('The answer is 42.');
    const sent = harness.upstream.chatRequests[0]?.body;
    expect(sent.stream).toBe(true);
  });

  it('generateText gets it too, and the next turn sends it back as reasoning', async () => {
    harness.upstream.enqueue(
      {
        kind: 'json',
        body: completion({
          content: 'The answer is 42.',
          reasoning_content: '<plan>',
        }),
      },
      { kind: 'json', body: completion({ content: 'Again 42.' }) },
    );

    const first = await generateText({
      model: model(),
      prompt: 'Think, then answer',
      providerOptions,
    });
    expect(first.reasoningText).toBe('<plan>');

    await generateText({
      model: model(),
      messages: [
        { role: 'user', content: 'Think, then answer' },
        ...first.response.messages,
        { role: 'user', content: 'And again?' },
      ],
      providerOptions,
    });

    expect(harness.upstream.chatRequests[1]?.body.messages).toContainEqual(
      expect.objectContaining({
        role: 'assistant',
        content: 'The answer is 42.',
        reasoning_content: '<plan>',
      }),
    );
  });
});
