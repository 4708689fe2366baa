import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { serverConfig } from '../config/server.config.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import { CreateResponseDto } from './create-response.dto.js';
import { replyToCreateRoute } from './reply-with-response.js';
import { ResponsesService } from './responses.service.js';

/**
 * `POST /{upstream}/v1/responses`: a response from the named upstream. The
 * stored responses stay under `/v1/responses`, whichever upstream made them.
 */
@ApiTags('responses')
@Controller(':upstream/v1/responses')
export class UpstreamResponsesController {
  constructor(
    private readonly service: ResponsesService,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth'
    >,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createResponseOnUpstream',
    summary: 'Create a response on the named upstream',
  })
  @ApiResponsesRequestHeaders()
  @ApiJsonBody('CreateResponseRequest')
  @ApiJsonOrStreamOk(
    'Response',
    'ResponsesSseEvent',
    'The response; with `stream: true`, its events as `event:`/`data:` frames, then `data: [DONE]`.',
  )
  @ApiErrorResponse(404, 'No upstream has this name.')
  create(
    @Param('upstream') upstreamName: string,
    @Body() body: CreateResponseDto,
    @Res() reply: FastifyReply,
    @Headers('authorization') authorization?: string,
  ): Promise<void> {
    return replyToCreateRoute(
      this.service,
      body,
      reply,
      { authorization, forwardClientAuth: this.server.forwardClientAuth },
      upstreamName,
    );
  }
}
