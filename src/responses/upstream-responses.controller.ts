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
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import type { FastifyReply } from 'fastify';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import { CallerTenant } from '../auth/request-tenant.js';
import type { Tenant } from '../config/security/tenant.js';
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
    @Headers() headers: IncomingHttpHeaders,
    @Res() reply: FastifyReply,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<void> {
    return replyStreamOrJson(
      reply,
      this.answers.create(body, headers, { upstreamName, tenant }),
    );
  }
}
