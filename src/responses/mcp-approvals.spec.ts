import { describe, expect, it } from 'vitest';
import type { ServerTool } from '../mcp/tool-loop/tool-loop.types.js';
import { approvalDecisions, resumedCalls } from './mcp-approvals.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';

const request = (id: string, name = 'get-sum'): ResponseInputItem => ({
  type: 'mcp_approval_request',
  id,
  server_label: 'remote',
  name,
  arguments: '{"a":1}',
});
const answer = (id: string, approve: boolean): ResponseInputItem => ({
  type: 'mcp_approval_response',
  approval_request_id: id,
  approve,
});

describe(approvalDecisions.name, () => {
  it('matches each answer with its request from history', () => {
    expect(
      approvalDecisions(
        [answer('mcpr_1', true), answer('mcpr_2', false)],
        [request('mcpr_1'), request('mcpr_2', 'echo')],
      ),
    ).toEqual([
      {
        approvalRequestId: 'mcpr_1',
        approved: true,
        serverLabel: 'remote',
        name: 'get-sum',
        arguments: '{"a":1}',
      },
      {
        approvalRequestId: 'mcpr_2',
        approved: false,
        serverLabel: 'remote',
        name: 'echo',
        arguments: '{"a":1}',
      },
    ]);
  });

  it('skips a request whose call already ran', () => {
    const ran: ResponseInputItem = {
      type: 'mcp_call',
      id: 'mcp_1',
      approval_request_id: 'mcpr_1',
    };
    expect(
      approvalDecisions([answer('mcpr_1', true)], [request('mcpr_1'), ran]),
    ).toEqual([]);
  });

  it.each([
    [
      { type: 'mcp_approval_response', approve: true },
      'input[0].approval_request_id',
    ],
    [
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1' },
      'input[0].approve',
    ],
    [answer('mcpr_unknown', true), 'input[0].approval_request_id'],
  ])('rejects %j naming %s', (item, param) => {
    expect(() => approvalDecisions([item], [request('mcpr_1')])).toThrow(
      expect.objectContaining({ options: expect.objectContaining({ param }) }),
    );
  });
});

describe(resumedCalls.name, () => {
  it("finds each call's tool, or makes it an error when its server is not in the request", async () => {
    const tool: ServerTool = {
      exposedName: 'remote__get-sum',
      serverLabel: 'remote',
      toolName: 'get-sum',
      requiresApproval: true,
      call: () =>
        Promise.resolve({ isError: false, text: '3', images: [], raw: null }),
    };
    const decisions = approvalDecisions(
      [answer('mcpr_1', true), answer('mcpr_2', true)],
      [request('mcpr_1'), request('mcpr_2', 'gone')],
    );
    const [found, missing] = resumedCalls(decisions, {
      find: (name) => (name === tool.exposedName ? tool : undefined),
    });

    expect(found).toMatchObject({
      approvalRequestId: 'mcpr_1',
      approved: true,
      call: { id: 'mcpr_1', name: 'remote__get-sum', tool },
    });
    const result = await missing!.call.tool.call(
      '{}',
      new AbortController().signal,
    );
    expect(result).toMatchObject({
      isError: true,
      text: expect.stringContaining(
        "MCP server 'remote' is not among this request's tools",
      ),
    });
  });
});
