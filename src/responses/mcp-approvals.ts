import { GatewayException } from '../common/errors/gateway.exception.js';
import { mcpErrorResult } from '../mcp/mcp-result.mapper.js';
import { prefixedToolName } from '../mcp/mcp-tool-naming.js';
import type {
  ResumedToolCall,
  ServerTool,
  ServerToolLookup,
} from '../mcp/tool-loop/tool-loop.types.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';

/** The user's answer to one mcp_approval_request of an earlier response. */
export interface ApprovalDecision {
  approvalRequestId: string;
  approved: boolean;
  serverLabel: string;
  /** The tool's own name on its server. */
  name: string;
  arguments: string;
}

/**
 * The `mcp_approval_response` items of `input`, each matched with the
 * `mcp_approval_request` it answers (in `history`, the previous_response
 * chain, or in `input` itself). Requests already answered by an executed
 * call in history are skipped, so a call never runs twice. Pure.
 * @throws GatewayException invalid_request for a malformed response or an unknown request id.
 */
export function approvalDecisions(
  input: readonly ResponseInputItem[],
  history: readonly ResponseInputItem[],
): ApprovalDecision[] {
  const known = [...history, ...input];
  const done = new Set(
    history
      .filter((item) => item.type === 'mcp_call')
      .map((item) => item['approval_request_id'])
      .filter((id): id is string => typeof id === 'string'),
  );
  const decisions = new Map<string, ApprovalDecision>();
  input.forEach((item, index) => {
    if (item.type !== 'mcp_approval_response') {
      return;
    }
    const param = `input[${index}]`;
    const id = item['approval_request_id'];
    if (typeof id !== 'string' || id === '') {
      throw invalid(
        `${param}.approval_request_id`,
        'expected the id of an mcp_approval_request.',
      );
    }
    const approve = item['approve'];
    if (typeof approve !== 'boolean') {
      throw invalid(`${param}.approve`, 'expected a boolean.');
    }
    const request = known.find(
      (candidate) =>
        candidate.type === 'mcp_approval_request' && candidate.id === id,
    );
    if (request === undefined) {
      throw invalid(
        `${param}.approval_request_id`,
        `no mcp_approval_request with id '${id}' in this conversation.`,
      );
    }
    if (done.has(id)) {
      return;
    }
    decisions.set(id, {
      approvalRequestId: id,
      approved: approve,
      serverLabel: String(request['server_label']),
      name: String(request['name']),
      arguments:
        typeof request['arguments'] === 'string' ? request['arguments'] : '{}',
    });
  });
  return [...decisions.values()];
}

/**
 * The decided calls for the tool loop. A call whose server is not among
 * this request's tools (the client did not send its `mcp` tool again) goes
 * to the model as an error instead of running.
 */
export function resumedCalls(
  decisions: readonly ApprovalDecision[],
  tools: ServerToolLookup,
): ResumedToolCall[] {
  return decisions.map((decision) => {
    const name = prefixedToolName(decision.serverLabel, decision.name);
    return {
      approvalRequestId: decision.approvalRequestId,
      approved: decision.approved,
      call: {
        id: decision.approvalRequestId,
        name,
        arguments: decision.arguments,
        tool: tools.find(name) ?? unavailable(decision),
      },
    };
  });
}

function unavailable(decision: ApprovalDecision): ServerTool {
  const text = `MCP server '${decision.serverLabel}' is not among this request's tools, so the approved call of ${decision.name} could not run.`;
  return {
    exposedName: prefixedToolName(decision.serverLabel, decision.name),
    serverLabel: decision.serverLabel,
    toolName: decision.name,
    requiresApproval: false,
    call: () => Promise.resolve(mcpErrorResult(text, null)),
  };
}

function invalid(param: string, reason: string): GatewayException {
  return new GatewayException(
    'invalid_request',
    `Invalid '${param}': ${reason}`,
    { param },
  );
}
