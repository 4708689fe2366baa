import { describe, expect, it } from 'vitest';
import { textStream, usageChunk } from '../../../test/support/chat-chunks.js';
import {
  validateResponse,
  validateStreamEvent,
} from '../../../test/support/openapi-schemas.js';
import { ResponseEventMachine } from './response-event-machine.js';
import {
  asChunks,
  chunk,
  machine,
  ofType,
  types,
} from '../../../test/support/machine-harness.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import { checkStream } from './stream-checker.test-support.js';

const echoTool = {
  name: 'echo',
  description: 'Echoes',
  input_schema: { type: 'object' },
  annotations: { readOnlyHint: true },
};

/** Round 1 says it will look, calls echo (withheld by the loop), round 2 answers. */
function twoRounds(
  sut: ResponseEventMachine,
  outcome: { output: string } | { error: Record<string, unknown> },
): ResponseStreamEvent[] {
  return [
    ...sut.start(),
    ...sut.mcpListTools('everything', [echoTool]),
    ...asChunks([
      chunk({ role: 'assistant', content: 'Let me look.' }),
      usageChunk(10, 5),
    ]).flatMap((each) => sut.onChunk(each)),
    ...sut.mcpCallStarted('call_1', {
      serverLabel: 'everything',
      name: 'echo',
      arguments: '{"message":"hi"}',
    }),
    ...sut.mcpCallFinished('call_1', outcome),
    ...sut.newRound(),
    ...asChunks(textStream(['It said ', 'hi.'])).flatMap((each) =>
      sut.onChunk(each),
    ),
    ...sut.finish(),
  ];
}

function expectSpecValid(
  events: ResponseStreamEvent[],
  response: unknown,
): void {
  expect(events.flatMap((event) => validateStreamEvent(event))).toEqual([]);
  expect(validateResponse(response)).toEqual([]);
}

describe(ResponseEventMachine.name, () => {
  describe('MCP items', () => {
    it('lists tools first, then the message, the mcp_call and the next round', () => {
      const sut = machine();
      const events = twoRounds(sut, { output: 'Echo: hi' });

      const { final } = checkStream(events);
      const output = final['output'] as Record<string, unknown>[];
      expect(output.map((item) => item['type'])).toEqual([
        'mcp_list_tools',
        'message',
        'mcp_call',
        'message',
      ]);
      expect(output[0]).toMatchObject({
        server_label: 'everything',
        tools: [echoTool],
      });
      expect(String(output[0]?.['id'])).toMatch(/^mcpl_/);
      expect(output[2]).toMatchObject({
        type: 'mcp_call',
        server_label: 'everything',
        name: 'echo',
        arguments: '{"message":"hi"}',
        output: 'Echo: hi',
        error: null,
        status: 'completed',
      });
      expect(String(output[2]?.['id'])).toMatch(/^mcp_/);
      expectSpecValid(events, final);
    });

    it('streams an mcp_call in the documented order', () => {
      const events = twoRounds(machine(), { output: 'Echo: hi' });
      const first = events.findIndex(
        (event) =>
          event.type === 'response.output_item.added' &&
          (event['item'] as { type: string }).type === 'mcp_call',
      );
      expect(types(events.slice(first, first + 6))).toEqual([
        'response.output_item.added',
        'response.mcp_call_arguments.delta',
        'response.mcp_call_arguments.done',
        'response.mcp_call.in_progress',
        'response.mcp_call.completed',
        'response.output_item.done',
      ]);
      expect(events[first]?.['item']).toMatchObject({
        arguments: '',
        status: 'in_progress',
      });
    });

    it('sums usage over the rounds', () => {
      const sut = machine();
      twoRounds(sut, { output: 'Echo: hi' });
      expect(sut.response.usage).toMatchObject({
        input_tokens: 20,
        output_tokens: 25,
        total_tokens: 45,
      });
    });

    it('reports a failed call with its error and mcp_call.failed', () => {
      const error = {
        type: 'mcp_tool_execution_error',
        content: [{ type: 'text', text: 'boom' }],
      };
      const sut = machine();
      const events = twoRounds(sut, { error });

      const { final } = checkStream(events);
      expect(ofType(events, 'response.mcp_call.failed')).toHaveLength(1);
      expect(
        (final['output'] as Record<string, unknown>[]).find(
          (item) => item['type'] === 'mcp_call',
        ),
      ).toMatchObject({ status: 'failed', output: null, error });
      expectSpecValid(events, final);
    });

    it('ends with mcp_approval_request items and a completed response', () => {
      const sut = machine();
      const events = [
        ...sut.mcpListTools('remote', [echoTool]),
        ...sut.onChunk(chunk({ role: 'assistant', content: null })),
        ...sut.mcpApprovalRequest({
          serverLabel: 'remote',
          name: 'echo',
          arguments: '',
        }),
        ...sut.finish('stop'),
      ];

      const { final } = checkStream(events);
      expect(final['status']).toBe('completed');
      const request = (final['output'] as Record<string, unknown>[])[1];
      expect(request).toEqual({
        id: expect.stringMatching(/^mcpr_/),
        type: 'mcp_approval_request',
        server_label: 'remote',
        name: 'echo',
        arguments: '{}',
      });
      expectSpecValid(events, final);
    });

    it('ends incomplete when the loop stops with finish_reason length', () => {
      const sut = machine();
      const events = [
        ...sut.onChunk(chunk({ content: 'Still looking' })),
        ...sut.finish('length'),
      ];
      const { final } = checkStream(events);
      expect(final).toMatchObject({
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
      });
    });

    it("keeps a hosted mcp tool's credentials out of the echoed tools", () => {
      const sut = machine({
        tools: [
          {
            type: 'mcp',
            server_label: 'remote',
            server_url: 'https://mcp.example.com/mcp',
            headers: { 'x-api-key': 'secret' },
            authorization: 'token',
          },
        ],
      });
      expect(sut.response.tools).toEqual([
        {
          type: 'mcp',
          server_label: 'remote',
          server_url: 'https://mcp.example.com/mcp',
          headers: null,
        },
      ]);
    });

    it('adds nothing once the response ended', () => {
      const sut = machine();
      sut.start();
      sut.fail({ code: 'server_error', message: 'x' });
      expect(sut.mcpListTools('s', [])).toEqual([]);
      expect(sut.newRound()).toEqual([]);
    });
  });
});
