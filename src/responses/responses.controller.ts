import type { IncomingHttpHeaders } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '../common/http/api-docs-decorators.js';
import type { FastifyReply } from 'fastify';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOk,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import { CallerTenant } from '../auth/request-tenant.js';
import type { Tenant } from '../config/security/tenant.js';
import type { ResponseObject } from '../protocol/responses.types.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import {
  GetResponseQueryDto,
  InputItemsQueryDto,
} from './dto/response-queries.dto.js';
import { ResponseAnswerService } from './response-answer.service.js';
import { ResponsesService } from './responses.service.js';
import { StoredResponsesService } from './stored-responses.service.js';
import type { ItemList } from './store/response-store.js';

/**
 * `/v1/responses`, and `/responses` for clients whose base URL has no
 * version. Create takes the raw reply (`@Res()`): a stream is written past
 * Nest, by the stream-or-JSON dispatcher. Every route takes the caller's
 * tenant: a stored response of another key is not found.
 */
@ApiTags('responses')
@Controller(['v1/responses', 'responses'])
export class ResponsesController {
  constructor(
    private readonly service: ResponsesService,
    private readonly answers: ResponseAnswerService,
    private readonly stored: StoredResponsesService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createResponse',
    summary: 'Create a response on the Chat Completions backend',
  })
  @ApiResponsesRequestHeaders()
  @ApiJsonBody('CreateResponseRequest')
  @ApiJsonOrStreamOk(
    'Response',
    'ResponsesSseEvent',
    'The response; with `stream: true`, its events as `event:`/`data:` frames, then `data: [DONE]`.',
  )
  create(
    @Body() body: CreateResponseDto,
    @Headers() headers: IncomingHttpHeaders,
    @Res() reply: FastifyReply,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<void> {
    return replyStreamOrJson(
      reply,
      this.answers.create(body, headers, { tenant }),
    );
  }

  @Post('input_tokens')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'countInputTokens',
    summary: 'Count the input tokens of a Responses request',
  })
  @ApiJsonBody('CreateResponseRequest')
  @ApiJsonOk('TokenCountsResource')
  countInputTokens(
    @Body() body: CreateResponseDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<{ object: 'response.input_tokens'; input_tokens: number }> {
    return this.service.countInputTokens(body, tenant);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getResponse', summary: 'A stored response' })
  @ApiQuery({
    name: 'stream',
    required: false,
    type: String,
    description: 'Only `false`: replaying a stream is refused (400).',
  })
  @ApiJsonOk('Response')
  @ApiErrorResponse(404, 'No stored response has this id.')
  get(
    @Param('id') id: string,
    // Only checked (ValidateRequestPipe): `stream=true` is refused.
    @Query() _query: GetResponseQueryDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ResponseObject> {
    return this.stored.get(id, tenant);
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteResponse',
    summary: 'Delete a stored response',
  })
  @ApiJsonOk('DeletedResponse')
  @ApiErrorResponse(404, 'No stored response has this id.')
  delete(
    @Param('id') id: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    return this.stored.delete(id, tenant);
  }

  @Post(':id/cancel')
  @ApiOperation({
    operationId: 'cancelResponse',
    summary: 'Cancel a background response: always refused',
    description:
      'The gateway runs no background responses: 400 for a stored response, 404 otherwise.',
  })
  @ApiErrorResponse(400, 'Only background responses can be cancelled.')
  @ApiErrorResponse(404, 'No stored response has this id.')
  cancel(
    @Param('id') id: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<never> {
    return this.stored.cancel(id, tenant);
  }

  @Get(':id/input_items')
  @ApiOperation({
    operationId: 'listInputItems',
    summary: 'The input items of a stored response',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'after', required: false, type: String })
  @ApiQuery({ name: 'before', required: false, type: String })
  @ApiJsonOk('ResponseItemList')
  @ApiErrorResponse(404, 'No stored response has this id.')
  inputItems(
    @Param('id') id: string,
    @Query() query: InputItemsQueryDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ItemList> {
    return this.stored.inputItems(id, query.toItemListQuery(), tenant);
  }
}
