import type { FastifyReply } from 'fastify';
import { Subject } from 'rxjs';
import { type ToolCallFormatOption } from '../agent-format/request-agent-format.js';
import { TOOL_CALL_FORMAT_HEADER } from '../protocol/gateway-headers.js';
import { clientAbortSignal } from '../common/http/client-abort.js';
import { FlowControl } from '../common/sse/flow-control.js';
import { KEEPALIVE_COMMENT, writeSse } from '../common/sse/sse-writer.js';
import { type McpToolsOption } from '../mcp/tool-loop/request-toolset.js';
import { MCP_TOOLS_HEADER } from '../protocol/gateway-headers.js';
import { forwardedAuthHeaders } from '../model-call/forwarded-auth.js';
import type { ModelCallOptions } from '../model-call/model-call.service.js';
import { asContextLengthError } from './core/context-length.js';
import {
  EVENT_NAMING_HEADER,
  eventNamingOf,
  withEventNaming,
} from '../protocol/event-naming.js';
import type { CreateResponseRequest } from '../protocol/responses.types.js';
import type { CreateResponseDto } from './create-response.dto.js';
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
  options: Pick<ModelCallOptions, 'upstreamName' | 'headers'> &
    McpToolsOption &
    ToolCallFormatOption,
): Promise<void> {
  const mcpTools = reply.request.headers[MCP_TOOLS_HEADER];
  if (typeof mcpTools === 'string') {
    options = { ...options, mcpTools };
  }
  const toolCallFormat = reply.request.headers[TOOL_CALL_FORMAT_HEADER];
  if (typeof toolCallFormat === 'string') {
    options = { ...options, toolCallFormat };
  }
  try {
    if (request.stream === true) {
      const flow = new FlowControl();
      // `: keepalive` comments while response.created waits for the model.
      const comments = new Subject<string>();
      const events$ = await service.stream(request, {
        ...options,
        flow,
        onWaiting: () => comments.next(KEEPALIVE_COMMENT),
        // An upstream failing mid-answer is the upstream's fault, told to
        // the client as response.failed: a warning, not a gateway error.
        onFailed: (error) =>
          reply.log.warn(
            { err: error },
            'response failed after response.created (sent as response.failed)',
          ),
      });
      const naming = eventNamingOf(
        reply.request.headers[EVENT_NAMING_HEADER],
        service.defaultEventNaming,
      );
      await writeSse(
        reply,
        events$.pipe(withEventNaming(naming)),
        responsesSseFormat,
        flow,
        { comments },
      );
      return;
    }
    const response = await service.create(request, {
      ...options,
      signal: clientAbortSignal(reply),
    });
    await reply.send(response);
  } catch (error) {
    // The gateway never truncates: a prompt too long for the model is a 400.
    throw asContextLengthError(error);
  }
}

/** The client's auth as a create route sees it, and whether it is forwarded. */
export interface CreateRouteAuth {
  authorization: string | undefined;
  forwardClientAuth: boolean;
}

/**
 * The body of both create routes: the validated DTO as a request, the
 * client's Authorization forwarded when FORWARD_CLIENT_AUTH is on, and the
 * upstream the path names, if any.
 */
export function replyToCreateRoute(
  service: ResponsesService,
  body: CreateResponseDto,
  reply: FastifyReply,
  auth: CreateRouteAuth,
  upstreamName?: string,
): Promise<void> {
  return replyWithResponse(
    service,
    body as unknown as CreateResponseRequest,
    reply,
    {
      ...(upstreamName === undefined ? {} : { upstreamName }),
      headers: forwardedAuthHeaders(auth.authorization, auth.forwardClientAuth),
    },
  );
}
