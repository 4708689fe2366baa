import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunk, machine } from '../../../test/support/machine-harness.js';
import { namedFrame } from '../../common/sse/sse-writer.js';
import type {
  CreateResponseRequest,
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { ResponsesSseFormat } from '../responses-sse.format.js';
import { toChatRequest } from './to-chat-request.js';
import { ResponseEventMachine } from './response-event-machine.js';
import { lifecycleEventJson, responseJson } from './response-json.js';

// Text with what JSON escapes: quotes, backslashes, control characters, lone surrogates.
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);
const request = fc.record(
  {
    instructions: anyText,
    metadata: fc.dictionary(fc.string(), anyText, { maxKeys: 3 }),
    user: anyText,
    temperature: fc.double({ noNaN: true, noDefaultInfinity: true }),
    tools: fc.array(
      fc.record({
        type: fc.constant('function'),
        name: fc.stringMatching(/^[a-z_]{1,12}$/),
        description: anyText,
        parameters: fc.jsonValue(),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);

/** The events of a response to `input`, streamed as `texts`, ending as `end` says. */
function eventsOf(
  input: Partial<CreateResponseRequest>,
  texts: string[],
  end: 'finish' | 'fail' | 'length',
): ResponseStreamEvent[] {
  const sut = machine(input);
  const events = [...sut.start()];
  for (const text of texts) {
    events.push(...sut.onChunk(chunk({ content: text })));
  }
  if (end === 'length') {
    events.push(...sut.onChunk(chunk({}, 'length')), ...sut.finish());
  } else if (end === 'fail') {
    events.push(...sut.fail({ code: 'server_error', message: 'down "now"' }));
  } else {
    events.push(...sut.finish());
  }
  return events;
}

describe('lifecycle event frames', () => {
  it('are byte for byte the frames of JSON.stringify, for any request and stream', () => {
    fc.assert(
      fc.property(
        request,
        fc.array(anyText, { maxLength: 4 }),
        fc.constantFrom('finish', 'fail', 'length'),
        (input, texts, end) => {
          const format = new ResponsesSseFormat();
          const events = eventsOf(input, texts, end);
          const lifecycle = events.filter((event) => 'response' in event);
          expect(lifecycle.length).toBeGreaterThanOrEqual(3);
          // Delta frames order their keys their own way (text-delta-frame.ts): only these compare as bytes.
          for (const event of lifecycle) {
            expect(format.frame(event)).toBe(namedFrame(event.type, event));
            expect(lifecycleEventJson(event)).toBe(JSON.stringify(event));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('write a Response whose echoed setting was replaced in full', () => {
    const events = eventsOf({ instructions: 'Be brief.' }, ['Hi'], 'finish');
    const { response } = events.at(-1) as unknown as {
      response: ResponseObject;
    };
    response.instructions = 'replaced after it was built';
    expect(responseJson(response)).toBe(JSON.stringify(response));
    expect(responseJson(response)).toContain('replaced after it was built');
  });

  // Review R12: a key added to, or moved in, a built Response was left out
  // of its frame (only a replaced setting was noticed).
  it('write a Response given a key, or with a key moved, in full', () => {
    const events = eventsOf({ instructions: 'Be brief.' }, ['Hi'], 'finish');
    const { response } = events.at(-1) as unknown as {
      response: ResponseObject;
    };
    Object.assign(response, { conversation: { id: 'conv_1' } });
    expect(responseJson(response)).toBe(JSON.stringify(response));
    expect(responseJson(response)).toContain('"conversation":{"id":"conv_1"}');
    const moved = (events[0] as unknown as { response: ResponseObject })
      .response;
    const model = moved.model;
    delete (moved as Partial<ResponseObject>).model;
    moved.model = model;
    expect(responseJson(moved)).toBe(JSON.stringify(moved));
    expect(responseJson(moved)).toMatch(/"model":"[^"]*"\}$/);
  });

  it('leave events of another shape to JSON.stringify', () => {
    const events = eventsOf({}, ['Hi'], 'finish');
    const created = events[0] as ResponseStreamEvent & { response: unknown };
    // Another field after `response`: not the lifecycle shape.
    const widened = { ...created, extra: 1 };
    expect(lifecycleEventJson(widened)).toBeUndefined();
    // A Response the machine did not build (a copy): written in full.
    const copied = {
      ...created,
      response: { ...(created.response as object) },
    };
    expect(lifecycleEventJson(copied)).toBeUndefined();
  });
});

describe('a tool list echoed again', () => {
  const agentRequest = (): CreateResponseRequest => ({
    model: 'gpt-test',
    input: 'hi',
    tools: [
      {
        type: 'function',
        name: 'read_file',
        description: 'Reads a file. '.repeat(40),
        parameters: {
          type: 'object',
          properties: { path: { type: 'string' } },
        },
      },
    ],
  });
  const createdOf = (echoScope: string): ResponseObject => {
    const request = agentRequest();
    const sut = new ResponseEventMachine({
      id: 'resp_test',
      createdAt: 1_700_000_000,
      request,
      tools: toChatRequest(request, []).tools,
      echoScope,
    });
    const [created] = sut.start() as unknown as [{ response: ResponseObject }];
    expect(responseJson(created.response)).toBe(
      JSON.stringify(created.response),
    );
    return created.response;
  };

  it("is the caller's one frozen copy, in every Response of that caller, written as JSON.stringify writes it", () => {
    const first = createdOf('team-a');
    const again = createdOf('team-a');
    expect(again.tools).toBe(first.tools);
    expect(Object.isFrozen(again.tools)).toBe(true);
    expect(again.tools).toEqual([
      { ...agentRequest().tools?.[0], strict: null },
    ]);
    expect(createdOf('team-b').tools).not.toBe(first.tools);
  });
});
