import { describe, expect, it } from 'vitest';
import {
  chunk,
  machine,
  weatherTools,
} from '../../../test/support/machine-harness.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';

/*
 * Lifecycle snapshots and closed items are shared, not deep-copied: the
 * events of one response share the echo and the items already closed. That
 * is only sound while nothing mutates what the machine handed out, which
 * these tests hold the machine to.
 */
describe('ResponseEventMachine snapshots', () => {
  /** A response with reasoning, text, a tool call and usage: every item kind the model streams. */
  function fullTurn() {
    const request = {
      tools: weatherTools,
      metadata: { team: 'platform' },
      instructions: 'Be brief.',
    };
    const sut = machine(request);
    const emitted: { event: ResponseStreamEvent; json: string }[] = [];
    const keep = (events: ResponseStreamEvent[]) => {
      for (const event of events) {
        emitted.push({ event, json: JSON.stringify(event) });
      }
    };
    keep(sut.start());
    keep(sut.onChunk(chunk({ reasoning_content: 'Think ' })));
    keep(sut.onChunk(chunk({ reasoning_content: 'more.' })));
    keep(sut.onChunk(chunk({ content: 'The weather ' })));
    keep(sut.onChunk(chunk({ content: 'is:' })));
    keep(
      sut.onChunk(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              function: { name: 'get_weather', arguments: '{"city":' },
            },
          ],
        }),
      ),
    );
    keep(
      sut.onChunk(
        chunk(
          { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
          'tool_calls',
        ),
      ),
    );
    keep(sut.finish());
    return { sut, request, emitted };
  }

  it('never changes an event after emitting it', () => {
    const { sut, emitted } = fullTurn();
    // Later snapshots must not have written into earlier ones.
    const response = sut.response;
    expect(response.status).toBe('completed');
    for (const { event, json } of emitted) {
      expect(JSON.stringify(event), event.type).toBe(json);
    }
  });

  it("ends with a final response that is the terminal event's, in every later read", () => {
    const { sut, emitted } = fullTurn();
    const terminal = emitted.at(-1)!.event as ResponseStreamEvent & {
      response: unknown;
    };
    expect(terminal.type).toBe('response.completed');
    expect(sut.response).toEqual(terminal.response);
    expect(sut.response).toBe(terminal.response);
    expect(sut.response).toEqual(sut.response);
  });

  it('keeps its echo apart from the request objects it was given', () => {
    const { sut, request } = fullTurn();
    request.metadata.team = 'changed later by the caller';
    (request.tools[0] as { name: string }).name = 'renamed';
    expect(sut.response.metadata).toEqual({ team: 'platform' });
    expect(sut.response.tools[0]).toMatchObject({ name: 'get_weather' });
  });

  it('gives every output item a text that reads the same as its deltas', () => {
    const { emitted } = fullTurn();
    const deltas = emitted
      .map(({ event }) => event)
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => (event as unknown as { delta: string }).delta)
      .join('');
    const done = emitted.find(
      ({ event }) => event.type === 'response.output_text.done',
    )!.event as unknown as { text: string };
    expect(done.text).toBe(deltas);
    expect(done.text).toBe('The weather is:');
  });
});
