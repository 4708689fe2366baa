import { describe, expect, it } from 'vitest';
import { textStream, usageChunk } from '../../../test/support/chat-chunks.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ResponseEventMachine } from './response-event-machine.js';
import {
  asChunks,
  chunk,
  machine,
  ofType,
  run,
  types,
  weatherTools,
} from '../../../test/support/machine-harness.js';
import { checkStream } from './stream-checker.test-support.js';

describe(ResponseEventMachine.name, () => {
  it('streams a text answer in the canonical order', () => {
    const { events, sut } = run(asChunks(textStream(['Hel', 'lo'])));

    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const { final } = checkStream(events);
    expect(events[2]).toMatchObject({
      output_index: 0,
      item: {
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [],
      },
    });
    expect(events[3]).toMatchObject({
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
    });
    expect(events[4]).toMatchObject({ delta: 'Hel', logprobs: [] });
    expect(events[6]).toMatchObject({ text: 'Hello', logprobs: [] });
    expect(final).toMatchObject({
      id: 'resp_test',
      status: 'completed',
      completed_at: 1_700_000_005,
      output: [
        {
          type: 'message',
          status: 'completed',
          content: [
            {
              type: 'output_text',
              text: 'Hello',
              annotations: [],
              logprobs: [],
            },
          ],
        },
      ],
    });
    expect(sut.terminated).toBe(true);
    expect(sut.response).toEqual(final);
  });

  it('starts with created and in_progress carrying an empty in-progress response', () => {
    const sut = machine();

    const [created, inProgress, ...rest] = sut.start();

    expect(rest).toEqual([]);
    expect(created).toMatchObject({
      type: 'response.created',
      sequence_number: 0,
      response: {
        status: 'in_progress',
        output: [],
        usage: null,
        completed_at: null,
      },
    });
    expect(inProgress).toMatchObject({
      type: 'response.in_progress',
      sequence_number: 1,
    });
    expect(sut.start()).toEqual([]);
    expect(sut.terminated).toBe(false);
  });

  it('starts the stream itself when the first call is onChunk', () => {
    const sut = machine();

    const events = sut.onChunk(chunk({ content: 'x' }));

    expect(types(events).slice(0, 2)).toEqual([
      'response.created',
      'response.in_progress',
    ]);
    expect(sut.start()).toEqual([]);
  });

  it('streams JSON text for a json_schema format and echoes the format', () => {
    const format = {
      type: 'json_schema',
      name: 'out',
      schema: { type: 'object' },
      strict: true,
    };
    const { events } = run(
      [
        chunk({ content: '{"a":' }),
        chunk({ content: '1}' }),
        chunk({}, 'stop'),
      ],
      {
        text: { format },
      },
    );

    const { final } = checkStream(events);
    expect(final['text']).toEqual({ format });
    expect(final['output']).toMatchObject([{ content: [{ text: '{"a":1}' }] }]);
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ])(
    'ends with response.incomplete for finish_reason %s',
    (finishReason, reason) => {
      const { events } = run([
        chunk({ content: 'Partial' }),
        chunk({}, finishReason),
      ]);

      const { final } = checkStream(events);
      expect(events.at(-1)?.type).toBe('response.incomplete');
      expect(final).toMatchObject({
        status: 'incomplete',
        completed_at: null,
        incomplete_details: { reason },
        output: [{ type: 'message', status: 'incomplete' }],
      });
    },
  );

  it('fails mid-stream: closes the open item as incomplete, then response.failed once', () => {
    const sut = machine();
    const events = [
      ...sut.start(),
      ...sut.onChunk(chunk({ content: 'Half an ans' })),
    ];

    events.push(
      ...sut.fail({ code: 'server_error', message: 'upstream died' }),
    );

    const { final } = checkStream(events);
    expect(types(events).slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.failed',
    ]);
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'upstream died' },
      output: [{ status: 'incomplete', content: [{ text: 'Half an ans' }] }],
    });
    expect(sut.fail({ code: 'server_error', message: 'again' })).toEqual([]);
    expect(sut.finish()).toEqual([]);
    expect(sut.onChunk(chunk({ content: 'late' }))).toEqual([]);
  });

  it('fails before any chunk with created, in_progress and failed', () => {
    const sut = machine();

    const events = sut.fail({ code: 'server_error', message: 'no upstream' });

    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    checkStream(events);
  });

  it('maps usage from the usage chunk, with both details objects', () => {
    const { sut } = run([
      chunk({ content: 'x' }),
      chunk({}, 'stop'),
      usageChunk(12, 7, {
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 3 },
      }) as ChatCompletionChunk,
    ]);

    expect(sut.response.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 19,
    });
  });

  it('takes usage from the finish chunk, and leaves it null when never given', () => {
    const finish = {
      ...chunk({}, 'stop'),
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };

    expect(
      run([chunk({ content: 'x' }), finish]).sut.response.usage,
    ).toMatchObject({ total_tokens: 3 });
    expect(
      run([chunk({ content: 'x' }), chunk({}, 'stop')]).sut.response.usage,
    ).toBeNull();
  });

  it('numbers every event from 0 by one, keepalives included', () => {
    const sut = machine();
    const events = [
      ...sut.start(),
      sut.keepalive(),
      ...sut.onChunk(chunk({ content: 'a' })),
      sut.keepalive(),
    ];
    events.push(...sut.onChunk(chunk({}, 'stop')), ...sut.finish());

    expect(events.map((event) => event.sequence_number)).toEqual(
      events.map((_event, index) => index),
    );
    expect(events[2]).toEqual({ type: 'keepalive', sequence_number: 2 });
    checkStream(events);
  });

  it('uses the same item ids in added, item events, done and the final response', () => {
    const { events, sut } = run(
      [
        chunk({ reasoning_content: 'r' }),
        chunk({ content: 't' }),
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'c',
              function: { name: 'get_time', arguments: '{}' },
            },
          ],
        }),
        chunk({}, 'tool_calls'),
      ],
      { tools: weatherTools },
    );

    const added = ofType(events, 'response.output_item.added').map(
      (event) => (event['item'] as { id: string }).id,
    );
    const done = ofType(events, 'response.output_item.done').map(
      (event) => (event['item'] as { id: string }).id,
    );
    const final = sut.response.output.map((item) => item.id);
    expect(new Set(added).size).toBe(3);
    expect(done).toEqual(added);
    expect(final).toEqual(added);
    for (const event of events.filter((each) => 'item_id' in each)) {
      expect(event['item_id']).toBe(added[Number(event['output_index'])]);
    }
  });

  it('gives lifecycle events a copy of the snapshot', () => {
    const sut = machine();
    const [created] = sut.start();
    sut.onChunk(chunk({ content: 'x' }));

    expect((created?.['response'] as { output: unknown[] }).output).toEqual([]);
    (created?.['response'] as { model: string }).model = 'changed';
    expect(sut.response.model).toBe('gpt-test');
  });

  it('echoes the request settings with the API defaults', () => {
    const sut = machine({
      tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }],
      previous_response_id: 'resp_prev',
    });

    expect(sut.response).toMatchObject({
      object: 'response',
      created_at: 1_700_000_000,
      status: 'in_progress',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: 'gpt-test',
      parallel_tool_calls: true,
      previous_response_id: 'resp_prev',
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      top_p: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [
        { type: 'function', name: 'f', parameters: null, strict: null },
        { type: 'web_search' },
      ],
      truncation: 'disabled',
      metadata: {},
      usage: null,
      top_logprobs: 0,
      service_tier: 'default',
      presence_penalty: 0,
      frequency_penalty: 0,
      prompt_cache_key: null,
      safety_identifier: null,
    });
    expect(sut.response).not.toHaveProperty('user');
    expect(sut.response.text).not.toHaveProperty('verbosity');
  });

  it('echoes the settings the client gave', () => {
    const sut = machine({
      instructions: 'Be brief.',
      temperature: 0.2,
      top_p: 0.5,
      tool_choice: 'none',
      parallel_tool_calls: false,
      text: { verbosity: 'low' },
      reasoning: { effort: 'high' },
      max_output_tokens: 100,
      store: false,
      metadata: { k: 'v' },
      user: 'u1',
      truncation: 'auto',
      service_tier: 'flex',
      top_logprobs: 2,
      prompt_cache_key: 'k',
      safety_identifier: 's',
    });

    expect(sut.response).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.2,
      top_p: 0.5,
      tool_choice: 'none',
      parallel_tool_calls: false,
      text: { format: { type: 'text' }, verbosity: 'low' },
      reasoning: { effort: 'high', summary: null },
      max_output_tokens: 100,
      store: false,
      metadata: { k: 'v' },
      user: 'u1',
      truncation: 'auto',
      service_tier: 'flex',
      top_logprobs: 2,
      prompt_cache_key: 'k',
      safety_identifier: 's',
    });
  });
});
