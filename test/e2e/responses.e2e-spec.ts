import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { chunk, textStream } from '../support/chat-chunks.js';
import {
  RESPONSES_SCENARIOS,
  type ResponsesScenario,
} from '../support/responses-scenarios.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { startGateway } from '../support/gateway-harness.js';

const MODEL = 'fake-model';

describe('/v1/responses through the official openai client', () => {
  const harness = useGatewayWithUpstream();

  function checkOutput(
    response: OpenAI.Responses.Response,
    scenario: ResponsesScenario,
  ): void {
    expect(response.status).toBe(scenario.expect.status);
    expect(response.output.map((item) => item.type)).toEqual(
      scenario.expect.outputTypes,
    );
    if (scenario.expect.text !== undefined) {
      expect(response.output_text).toBe(scenario.expect.text);
    }
    const calls = response.output.filter(
      (item) => item.type === 'function_call',
    );
    expect(
      calls.map((c) => ({ name: c.name, arguments: c.arguments })),
    ).toEqual(scenario.expect.calls ?? []);
    if (scenario.expect.reasoning) {
      const reasoning = response.output.find(
        (item) => item.type === 'reasoning',
      );
      const text = (reasoning?.content ?? []).map((part) => part.text).join('');
      expect(text).toBe(scenario.expect.reasoning);
    }
    expect(response.incomplete_details?.reason).toBe(
      scenario.expect.incompleteReason,
    );
    expect(response.model).toBe(MODEL);
    expect(response.usage?.total_tokens).toBe(30);
  }

  describe.each(RESPONSES_SCENARIOS)('$name', (scenario) => {
    it('responses.create without streaming', async () => {
      harness.upstream.enqueue(scenario.json);
      const response = await harness.client.responses.create({
        model: MODEL,
        ...scenario.request,
      } as never);
      checkOutput(response, scenario);
      expectSchemaValid([], response);
      expect(harness.upstream.chatRequests[0]!.body.stream).toBe(false);
    });

    it('responses.create with stream: true', async () => {
      harness.upstream.enqueue(scenario.stream);
      const stream = await harness.client.responses.create({
        model: MODEL,
        stream: true,
        ...scenario.request,
      } as never);
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream as unknown as AsyncIterable<OpenAI.Responses.ResponseStreamEvent>) {
        events.push(event);
      }
      expect(events[0]!.type).toBe('response.created');
      expect(events[1]!.type).toBe('response.in_progress');
      expect(events.map((e) => e.sequence_number)).toEqual(
        events.map((_, i) => i),
      );
      const terminal = events.filter((e) =>
        [
          'response.completed',
          'response.incomplete',
          'response.failed',
        ].includes(e.type),
      );
      expect(terminal).toHaveLength(1);
      expect(events[events.length - 1]).toBe(terminal[0]);
      const final = (terminal[0] as OpenAI.Responses.ResponseCompletedEvent)
        .response;
      checkOutput({ ...final, output_text: textOf(final) }, scenario);
      expectSchemaValid(events, final);
      // Ids of the streamed items are the ids of the final response.
      const doneIds = events
        .filter((e) => e.type === 'response.output_item.done')
        .map((e) => e.item.id);
      expect(doneIds).toEqual(final.output.map((item) => item.id));
      expect(harness.upstream.chatRequests[0]!.body.stream_options).toEqual({
        include_usage: true,
      });
    });

    it('responses.stream() with finalResponse()', async () => {
      harness.upstream.enqueue(scenario.stream);
      const stream = harness.client.responses.stream({
        model: MODEL,
        ...scenario.request,
      } as never);
      const final = await stream.finalResponse();
      checkOutput(final, scenario);
      const stored = await harness.client.responses.retrieve(final.id);
      // finalResponse() adds SDK-side `parsed` fields; the items themselves match.
      const shape = (
        items: { id?: string; type: string; status?: string | null }[],
      ) => items.map(({ id, type, status }) => ({ id, type, status }));
      expect(shape(stored.output)).toEqual(shape(final.output));
      expect(stored.output_text).toBe(final.output_text);
    });
  });

  it('maps an upstream 500 before the first byte to an HTTP error', async () => {
    harness.upstream.enqueue({
      kind: 'error',
      status: 500,
      body: {
        error: {
          message: 'model crashed',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    });
    const error = await harness.client.responses
      .create({ model: MODEL, input: 'hi', stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain('model crashed');
    harness.upstream.enqueue({
      kind: 'error',
      status: 500,
      body: 'plain failure',
    });
    const plain = await harness.client.responses
      .create({ model: MODEL, input: 'hi' })
      .catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('ends with response.failed when the upstream fails after the first byte', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'partial ' }),
        chunk({ content: 'answer' }),
      ],
      // Spaced out so the first chunks reach the gateway before the socket dies.
      intervalMs: 50,
      disconnectAfter: 2,
    });
    const stream = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      stream: true,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
    }
    const last = events[events.length - 1]!;
    expect(last.type).toBe('response.failed');
    const failed = (last as OpenAI.Responses.ResponseFailedEvent).response;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('server_error');
    expect(failed.error?.message).toMatch(/upstream/i);
    expect(
      events.filter(
        (e) =>
          e.type.startsWith('response.') &&
          [
            'response.completed',
            'response.failed',
            'response.incomplete',
          ].includes(e.type),
      ),
    ).toHaveLength(1);
    expectSchemaValid(events, failed);

    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'partial' }),
      ],
      intervalMs: 50,
      disconnectAfter: 2,
    });
    // The SDK's stream helper hands back the failed snapshot; it must say so.
    const failedAgain = await harness.client.responses
      .stream({ model: MODEL, input: 'hi' })
      .finalResponse();
    expect(failedAgain.status).toBe('failed');
    expect(failedAgain.error?.code).toBe('server_error');
  });

  it('sends keepalive events while the upstream is silent', async () => {
    const slow = await startGateway({
      OPENAI_BASE_URL_INTERNAL: harness.upstream.baseUrl,
      KEEPALIVE_INTERVAL: '1',
    });
    try {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'slow' }),
          ...textStream([' answer']).slice(1),
        ],
        pauseBefore: { index: 2, ms: 2_300 },
      });
      const slowClient = new OpenAI({
        baseURL: `${slow.url}/v1`,
        apiKey: 'x',
        maxRetries: 0,
      });
      const stream = await slowClient.responses.create({
        model: MODEL,
        input: 'hi',
        stream: true,
      });
      const types: string[] = [];
      const numbers: number[] = [];
      for await (const event of stream as AsyncIterable<{
        type: string;
        sequence_number: number;
      }>) {
        types.push(event.type);
        numbers.push(event.sequence_number);
      }
      expect(types).toContain('keepalive');
      expect(numbers).toEqual(numbers.map((_, i) => i));
      expect(types[types.length - 1]).toBe('response.completed');
    } finally {
      await slow.close();
    }
  });
});

function textOf(response: OpenAI.Responses.Response): string {
  return response.output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .map((part) => (part.type === 'output_text' ? part.text : ''))
    .join('');
}
