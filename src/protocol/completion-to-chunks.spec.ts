import { describe, expect, it } from 'vitest';
import { completion, toolCallStream } from '../../test/support/chat-chunks.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
} from './chat-completion.types.js';
import { completionToChunks } from './completion-to-chunks.js';
import { ResponseEventMachine } from '../responses/core/response-event-machine.js';
import type { ResponseObject } from './responses.types.js';
import { checkStream } from '../responses/core/stream-checker.test-support.js';
import { toChatRequest } from '../responses/core/to-chat-request.js';

const request = {
  model: 'm',
  input: 'hi',
  tools: [
    { type: 'function', name: 'get_weather' },
    { type: 'custom', name: 'apply_patch' },
  ],
};

function respond(chunks: ChatCompletionChunk[]): ResponseObject {
  const sut = new ResponseEventMachine({
    id: 'resp_1',
    createdAt: 1,
    request,
    tools: toChatRequest(request, []).tools,
    now: () => 2,
  });
  checkStream([
    ...sut.start(),
    ...chunks.flatMap((each) => sut.onChunk(each)),
    ...sut.finish(),
  ]);
  return sut.response;
}

// Item ids are random; everything else must match.
function withoutIds(response: ResponseObject): unknown[] {
  return response.output.map(({ id: _id, ...rest }) => rest);
}

describe(completionToChunks.name, () => {
  it('gives the same items as the streamed equivalent for text and tool calls', () => {
    const streamed = respond(
      toolCallStream(
        [
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_2', name: 'apply_patch', arguments: '{"input":"P"}' },
        ],
        'Let me check.',
      ) as ChatCompletionChunk[],
    );
    const whole = completion(
      {
        content: 'Let me check.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'apply_patch', arguments: '{"input":"P"}' },
          },
        ],
      },
      'tool_calls',
    ) as ChatCompletion;

    const sut = respond(completionToChunks(whole));

    expect(withoutIds(sut)).toEqual(withoutIds(streamed));
    expect(sut.output.map((item) => item.type)).toEqual([
      'message',
      'function_call',
      'custom_tool_call',
    ]);
    expect(sut.usage).toEqual(streamed.usage);
    expect(sut.status).toBe('completed');
  });

  it.each([
    ['reasoning_content', { reasoning_content: 'Think.', content: 'Done.' }],
    ['reasoning', { reasoning: 'Think.', content: 'Done.' }],
    ['<think> tags', { content: '<think>Think.</think>\nDone.' }],
  ])('carries reasoning from %s into a reasoning item', (_name, message) => {
    const sut = respond(
      completionToChunks(completion(message) as ChatCompletion),
    );

    expect(sut.output).toMatchObject([
      { type: 'reasoning', content: [{ text: 'Think.' }] },
      { type: 'message', content: [{ text: 'Done.' }] },
    ]);
  });

  it('keeps a refusal and the finish reason', () => {
    const sut = respond(
      completionToChunks(
        completion(
          { content: null, refusal: 'No.' },
          'content_filter',
        ) as ChatCompletion,
      ),
    );

    expect(sut.status).toBe('incomplete');
    expect(sut.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(sut.output).toMatchObject([
      { content: [{ type: 'refusal', refusal: 'No.' }] },
    ]);
  });

  it('keeps the stop string a backend names on the finish chunk', () => {
    const whole = completion({ content: 'x' }) as ChatCompletion;
    whole.choices[0]!['stop_reason'] = 'END';

    const chunks = completionToChunks(whole);

    expect(chunks.at(-2)?.choices[0]).toMatchObject({
      finish_reason: 'stop',
      stop_reason: 'END',
    });
    expect(chunks[0]?.choices[0]).not.toHaveProperty('stop_reason');
  });

  it('emits the usage as a last chunk without choices', () => {
    const chunks = completionToChunks(
      completion({ content: 'x' }) as ChatCompletion,
    );

    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });
});
