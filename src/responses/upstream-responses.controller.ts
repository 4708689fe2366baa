import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DirectRoute } from '../common/http/direct-routes.js';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import { ApiUpstreamParam, callerRequestOf } from '../auth/caller-request.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import { ResponseAnswerService } from './response-answer.service.js';

/**
 * `POST /{upstream}/v1/responses`: a response from the named upstream. The
 * stored responses stay under `/v1/responses`, whichever upstream made them.
 * `@Res()`: a stream is written past Nest, by the stream-or-JSON dispatcher.
 */
@ApiTags('responses')
@Controller(':upstream/v1/responses')
export class UpstreamResponsesController {
  constructor(private readonly answers: ResponseAnswerService) {}

  @Post()
  @HttpCode(200)
  @DirectRoute()
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
  // Last, so applied first: the path parameter leads the list.
  @ApiUpstreamParam()
  create(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { body, headers, tenant, upstreamName } = callerRequestOf(
      request,
      CreateResponseDto,
    );
    return replyStreamOrJson(
      reply,
      this.answers.create(body, headers, { upstreamName, tenant }),
    );
  }
}
