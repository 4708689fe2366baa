import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  textStream,
  toolCallStream,
} from '../../../test/support/chat-chunks.js';
import {
  asChunks,
  chunk,
  machine,
  ofType,
  run,
  weatherTools,
} from '../../../test/support/machine-harness.js';
import {
  validateResponse,
  validateStreamEvent,
} from '../../../test/support/openapi-schemas.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import type { ResponseEventMachine } from './response-event-machine.js';
import { checkStream } from './stream-checker.test-support.js';

type Item = Record<string, unknown>;

const phases = (items: unknown): unknown[] =>
  (items as Item[])
    .filter((item) => item['type'] === 'message')
    .map((item) => item['phase']);

function expectSpecValid(events: ResponseStreamEvent[], response: unknown) {
  expect(events.flatMap((event) => validateStreamEvent(event))).toEqual([]);
  expect(validateResponse(response)).toEqual([]);
}

describe('ResponseEventMachine: phase on output messages', () => {
  it('labels the only message final_answer once it closes', () => {
    const { events, sut } = run(asChunks(textStream(['Hi', ' there'])));

    const { final } = checkStream(events);
    const added = ofType(events, 'response.output_item.added')[0];
    expect(added?.['item']).not.toHaveProperty('phase');
    expect(ofType(events, 'response.output_item.done')[0]).toMatchObject({
      item: { type: 'message', phase: 'final_answer' },
    });
    expect(phases(final['output'])).toEqual(['final_answer']);
    expectSpecValid(events, sut.response);
  });

  it('labels text followed by tool calls commentary', () => {
    const { events, sut } = run(
      asChunks(
        toolCallStream(
          [{ id: 'call_1', name: 'get_weather', arguments: '{}' }],
          'Checking.',
        ),
      ),
      { tools: weatherTools },
    );

    const { final } = checkStream(events);
    expect((final['output'] as Item[]).map((item) => item['type'])).toEqual([
      'message',
      'function_call',
    ]);
    expect(phases(final['output'])).toEqual(['commentary']);
    expectSpecValid(events, sut.response);
  });

  it('labels text before reasoning that comes back commentary', () => {
    const { events } = run([
      chunk({ content: 'A' }),
      chunk({ reasoning_content: 'hmm' }),
      chunk({ content: 'B' }),
      chunk({}, 'stop'),
    ]);

    expect(phases(checkStream(events).final['output'])).toEqual([
      'commentary',
      'final_answer',
    ]);
  });

  it('ignores whitespace after the message, which makes no item', () => {
    const { events } = run([
      chunk({ content: 'Done.' }),
      chunk({ reasoning_content: '  ' }),
      chunk({}, 'stop'),
    ]);

    expect(phases(checkStream(events).final['output'])).toEqual([
      'final_answer',
    ]);
  });

  it('labels a round before an MCP call commentary, the last round final_answer', () => {
    const sut = machine();
    const events = [
      ...sut.start(),
      ...sut.onChunk(chunk({ content: 'Let me look.' })),
      ...sut.mcpCallStarted('call_1', {
        serverLabel: 'everything',
        name: 'echo',
        arguments: '{}',
      }),
      ...sut.mcpCallFinished('call_1', { output: 'hi' }),
      ...sut.newRound(),
      ...sut.onChunk(chunk({ content: 'It said hi.' })),
      ...sut.finish(),
    ];

    const { final } = checkStream(events);
    expect((final['output'] as Item[]).map((item) => item['type'])).toEqual([
      'message',
      'mcp_call',
      'message',
    ]);
    expect(phases(final['output'])).toEqual(['commentary', 'final_answer']);
    expectSpecValid(events, sut.response);
  });

  it('labels a message before an approval request commentary', () => {
    const sut = machine();
    sut.start();
    sut.onChunk(chunk({ content: 'I need to run echo.' }));
    sut.mcpApprovalRequest({
      serverLabel: 'everything',
      name: 'echo',
      arguments: '{}',
    });
    sut.finish();

    expect(phases(sut.response.output)).toEqual(['commentary']);
  });

  it('says no phase on a message still streaming', () => {
    const sut = machine();
    sut.start();
    sut.onChunk(chunk({ content: 'Partial' }));

    expect(sut.response.output[0]).not.toHaveProperty('phase');
  });

  // What the tool loop feeds the machine, in any order it can: chunks of
  // every kind (a tool call's name may come late or never), MCP calls that
  // finish or are cut off, approval requests, and next rounds (which only
  // follow the calls of a round).
  it('labels final_answer exactly the last item, for any stream and ending', () => {
    type Step = (sut: ResponseEventMachine, n: number) => ResponseStreamEvent[];
    const call = { serverLabel: 'srv', name: 'echo', arguments: '{}' };
    const onChunk =
      (delta: Record<string, unknown>): Step =>
      (sut) =>
        sut.onChunk(chunk(delta));
    const ranCall: Step = (sut, n) => [
      ...sut.mcpCallStarted(`k${n}`, call),
      ...sut.mcpCallFinished(`k${n}`, { output: 'ok' }),
    ];
    const step = fc.oneof(
      fc.constantFrom('', ' ', 'r').map((text) => onChunk({ reasoning: text })),
      fc
        .constantFrom('', '\n\n', 'a', '<think>', '</think>', '<th', 'ink>')
        .map((text) => onChunk({ content: text })),
      fc.constant(onChunk({ refusal: 'no' })),
      fc.boolean().map((named) =>
        onChunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: {
                ...(named && { name: 'get_weather' }),
                arguments: '{',
              },
            },
          ],
        }),
      ),
      fc.constant(ranCall),
      fc.constant<Step>((sut, n) => sut.mcpCallStarted(`k${n}`, call)),
      fc.constant<Step>((sut) => sut.mcpApprovalRequest(call)),
      fc.constant<Step>((sut, n) => [...ranCall(sut, n), ...sut.newRound()]),
    );
    const ending = fc.constantFrom<
      (sut: ResponseEventMachine) => ResponseStreamEvent[]
    >(
      (sut) => sut.finish('stop'),
      (sut) => sut.finish('length'),
      (sut) => sut.fail({ code: 'server_error', message: 'cut' }),
      (sut) => sut.cancel(),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 12 }),
        ending,
        fc.constantFrom(undefined, { summary: 'auto' }),
        (steps, end, reasoning) => {
          const sut = machine({ tools: weatherTools, reasoning });
          const events = [...sut.start(), ...sut.mcpListTools('srv', [])];
          steps.forEach((each, n) => events.push(...each(sut, n)));
          events.push(...end(sut));

          const output = checkStream(events).final['output'] as Item[];
          output.forEach((item, index) => {
            if (item['type'] === 'message') {
              const last = index === output.length - 1;
              expect(item['phase']).toBe(last ? 'final_answer' : 'commentary');
            }
          });
          expectSpecValid(events, sut.response);
        },
      ),
      { numRuns: 300 },
    );
  });
});
