import type { IncomingHttpHeaders } from 'node:http';
import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CallerTenant } from '../auth/request-tenant.js';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
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
  create(
    @Body() body: MessagesRequestDto,
    @Headers() headers: IncomingHttpHeaders,
    @Res() reply: FastifyReply,
    @CallerTenant() tenant: Tenant | undefined,
    @Param('upstream') upstreamName?: string,
  ): Promise<void> {
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
}
