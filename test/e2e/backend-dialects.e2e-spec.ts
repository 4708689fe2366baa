import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  BACKENDS,
  type DialectScenario,
  type ErrorExpectation,
  type SuccessExpectation,
} from '../support/dialects/index.js';
import {
  chatBody,
  expectApiError,
  expectChatCompletion,
  expectResponse,
  playBackend,
  responsesBody,
} from '../support/dialects/dialect-client.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import {
  expectValidResponse,
  expectValidStreamEvents,
} from '../support/openapi-schemas.js';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

const TERMINAL = [
  'response.completed',
  'response.incomplete',
  'response.failed',
];

/**
 * The gateway in front of each real server's dialect (test/support/dialects/):
 * whatever bytes vLLM, SGLang, Ollama, llama.cpp or LM Studio write, the
 * official client must get the same OpenAI-shaped answer on both endpoints,
 * streamed and not.
 */
describe('backend dialects through the official openai client', () => {
  const harness = useGatewayWithUpstream();

  const play = (scenario: DialectScenario): void => {
    harness.upstream.setHandler(playBackend(scenario));
  };

  /** All events of a streamed `responses.create`, checked against the spec. */
  async function streamedResponse(
    scenario: DialectScenario,
  ): Promise<{ events: StreamEvent[]; final: OpenAI.Responses.Response }> {
    const stream = await harness.client.responses.create({
      ...responsesBody(scenario),
      stream: true,
    });
    const events: StreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
    }
    expectValidStreamEvents(events);
    expect(events[0]?.type).toBe('response.created');
    expect(events.map((e) => e.sequence_number)).toEqual(
      events.map((_, i) => i),
    );
    const terminal = events.filter((e) => TERMINAL.includes(e.type));
    expect(
      terminal.map((e) => e.type),
      'exactly one terminal event',
    ).toEqual(['response.completed']);
    expect(events.at(-1)).toBe(terminal[0]);
    const final = (terminal[0] as OpenAI.Responses.ResponseCompletedEvent)
      .response;
    expectValidResponse(final);
    return { events, final };
  }

  function successTests(
    scenario: DialectScenario,
    exp: SuccessExpectation,
  ): void {
    it('responses.create without streaming', async () => {
      play(scenario);
      const response = await harness.client.responses.create(
        responsesBody(scenario),
      );
      expectValidResponse(response);
      expectResponse(response, exp);
    });

    it('responses.create with stream: true (raw events)', async () => {
      play(scenario);
      const { events, final } = await streamedResponse(scenario);
      expectResponse(final, exp);
      const deltas = events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta);
      expect(deltas.join(''), 'streamed text deltas').toBe(exp.text);
    });

    it('responses.stream().finalResponse()', async () => {
      play(scenario);
      const final = await harness.client.responses
        .stream(responsesBody(scenario))
        .finalResponse();
      expectResponse(final, exp);
    });

    it('chat.completions.create without streaming', async () => {
      play(scenario);
      const completion = await harness.client.chat.completions.create(
        chatBody(scenario),
      );
      expectChatCompletion(completion, exp, true);
    });

    it('chat.completions.stream() with include_usage', async () => {
      play(scenario);
      const completion = await harness.client.chat.completions
        .stream({
          ...chatBody(scenario),
          stream_options: { include_usage: true },
        })
        .finalChatCompletion();
      expectChatCompletion(completion, exp, true);
    });

    if (scenario.name === 'usage') {
      it('chat.completions.stream() without include_usage has no usage', async () => {
        play(scenario);
        const completion = await harness.client.chat.completions
          .stream(chatBody(scenario))
          .finalChatCompletion();
        expectChatCompletion(completion, exp, false);
      });
    }
  }

  function errorTests(scenario: DialectScenario, exp: ErrorExpectation): void {
    it('responses.create without streaming', async () => {
      play(scenario);
      await expectApiError(
        () => harness.client.responses.create(responsesBody(scenario)),
        exp,
      );
    });

    // Before its first byte the gateway can still answer with a plain HTTP error.
    it('responses.create with stream: true', async () => {
      play(scenario);
      await expectApiError(async () => {
        const stream = await harness.client.responses.create({
          ...responsesBody(scenario),
          stream: true,
        });
        const types: string[] = [];
        for await (const event of stream) {
          types.push(event.type);
        }
        return { streamedEvents: types };
      }, exp);
    });

    it('responses.stream().finalResponse()', async () => {
      play(scenario);
      await expectApiError(
        () =>
          harness.client.responses
            .stream(responsesBody(scenario))
            .finalResponse(),
        exp,
      );
    });

    it('chat.completions.create without streaming', async () => {
      play(scenario);
      await expectApiError(
        () => harness.client.chat.completions.create(chatBody(scenario)),
        exp,
      );
    });

    it('chat.completions.stream()', async () => {
      play(scenario);
      await expectApiError(
        () =>
          harness.client.chat.completions
            .stream({
              ...chatBody(scenario),
              stream_options: { include_usage: true },
            })
            .finalChatCompletion(),
        exp,
      );
    });
  }

  describe.each(BACKENDS)('$name', (backend) => {
    describe.each(backend.scenarios)('$name', (scenario) => {
      if (scenario.expect.kind === 'ok') {
        successTests(scenario, scenario.expect);
      } else {
        errorTests(scenario, scenario.expect);
      }
    });
  });
});
