import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiUpstreamParam, callerRequestOf } from '../auth/caller-request.js';
import { CallerTenant } from '../auth/request-tenant.js';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import { DirectRoute } from '../common/http/direct-routes.js';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import type { Tenant } from '../config/security/tenant.js';
import {
  ApiJsonBody,
  ApiJsonOk,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import {
  ApiCountMessageTokensRequestHeaders,
  ApiMessagesRequestHeaders,
} from '../openapi/request-headers.js';
import { MessagesAnswerService } from './messages-answer.service.js';
import { MessagesService } from './messages.service.js';
import { MessagesCountTokensDto } from './request/messages-count-tokens.dto.js';
import { MessagesRequestDto } from './request/messages-request.dto.js';

/**
 * The Anthropic Messages API: `/v1/messages` and its token count, and the
 * same under `/{upstream}/` for a named upstream. Errors on these routes
 * are in Anthropic's shape (installAnthropicErrorShape).
 */
@ApiTags('messages')
@Controller()
export class MessagesController {
  constructor(
    private readonly answers: MessagesAnswerService,
    private readonly service: MessagesService,
  ) {}

  @Post(['v1/messages', ':upstream/v1/messages'])
  @HttpCode(200)
  @DirectRoute()
  @ApiOperation({
    operationId: 'createMessage',
    summary:
      'Create an Anthropic Messages answer on the Chat Completions backend',
  })
  @ApiMessagesRequestHeaders()
  @ApiJsonBody('AnthropicCreateMessageRequest')
  @ApiJsonOrStreamOk(
    'AnthropicMessage',
    'MessagesSseEvent',
    'The message; with `stream: true`, its events as `event:`/`data:` frames.',
  )
  // Last, so applied first: the path parameter leads the list.
  @ApiUpstreamParam()
  create(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { body, headers, tenant, upstreamName } = callerRequestOf(
      request,
      MessagesRequestDto,
    );
    return replyStreamOrJson(
      reply,
      this.answers.create(body, headers, { upstreamName, tenant }),
    );
  }

  @Post(['v1/messages/count_tokens', ':upstream/v1/messages/count_tokens'])
  @HttpCode(200)
  @ApiOperation({
    operationId: 'countMessageTokens',
    summary: "An estimate of a Messages request's input tokens",
  })
  @ApiCountMessageTokensRequestHeaders()
  @ApiJsonBody('AnthropicCountTokensRequest')
  @ApiJsonOk('AnthropicCountTokensResponse')
  countTokens(
    @Body() body: MessagesCountTokensDto,
    @CallerTenant() tenant: Tenant | undefined,
    @Param('upstream') upstreamName?: string,
  ): { input_tokens: number } {
    return this.service.countTokens(body, { tenant, upstreamName });
  }

  /**
   * A GET of the Messages route, and a base URL that ended in `/v1` (so the
   * client asked for `/v1/v1/messages`): answered here, in Anthropic's
   * shape and with what to do, rather than by the pass-through's upstream.
   */
  @Get('v1/messages')
  @ApiOperation({
    operationId: 'getMessagesRoute',
    summary:
      "Always 405 in Anthropic's shape: the Messages API takes POST (a GET would reach the pass-through)",
  })
  wrongMethod(): never {
    throw new GatewayException(
      'method_not_allowed',
      'The Messages API takes POST /v1/messages and POST /v1/messages/count_tokens.',
    );
  }

  @Post('v1/v1/messages')
  @ApiOperation({
    operationId: 'postDoubledVersionMessages',
    summary:
      "Always 404 in Anthropic's shape, saying the base URL must be the gateway root without /v1",
  })
  doubledVersion(): never {
    throw new GatewayException(
      'not_found',
      'No route /v1/v1/messages: set the base URL (ANTHROPIC_BASE_URL) to the gateway root, without /v1.',
    );
  }
}
