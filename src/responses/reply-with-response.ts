import type { FastifyReply } from 'fastify';
import { clientAbortSignal } from '../common/http/client-abort.js';
import { FlowControl } from '../common/sse/flow-control.js';
import { writeSse } from '../common/sse/sse-writer.js';
import {
  MCP_TOOLS_HEADER,
  type McpToolsOption,
} from '../mcp/tool-loop/request-toolset.js';
import type { ModelCallOptions } from '../model-call/model-call.service.js';
import type { CreateResponseRequest } from './core/responses.types.js';
import type { ResponsesService } from './responses.service.js';
import { responsesSseFormat } from './responses-sse.format.js';

/**
 * Answers `POST …/responses`: as SSE when `stream` is true, else as one
 * Response object. Shared by the plain and the upstream-named routes.
 */
export async function replyWithResponse(
  service: ResponsesService,
  request: CreateResponseRequest,
  reply: FastifyReply,
  options: Pick<ModelCallOptions, 'upstreamName' | 'headers'> & McpToolsOption,
): Promise<void> {
  const mcpTools = reply.request.headers[MCP_TOOLS_HEADER];
  if (typeof mcpTools === 'string') {
    options = { ...options, mcpTools };
  }
  if (request.stream === true) {
    const flow = new FlowControl();
    const events$ = await service.stream(request, { ...options, flow });
    await writeSse(reply, events$, responsesSseFormat, flow);
    return;
  }
  const response = await service.create(request, {
    ...options,
    signal: clientAbortSignal(reply),
  });
  await reply.send(response);
}
