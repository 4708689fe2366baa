import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '../common/http/api-docs-decorators.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DirectRoute } from '../common/http/direct-routes.js';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOk,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import { callerRequestOf } from '../auth/caller-request.js';
import { CallerTenant } from '../auth/request-tenant.js';
import type { Tenant } from '../config/security/tenant.js';
import type { ResponseObject } from '../protocol/responses.types.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import {
  GetResponseQueryDto,
  InputItemsQueryDto,
} from './dto/response-queries.dto.js';
import { ResponseAnswerService } from './response-answer.service.js';
import { ResponsesSseFormat } from './responses-sse.format.js';
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
  @DirectRoute()
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
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { body, headers, tenant } = callerRequestOf(
      request,
      CreateResponseDto,
    );
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
  @ApiOperation({
    operationId: 'getResponse',
    summary: 'A stored response, or the events of a background one',
  })
  @ApiQuery({
    name: 'stream',
    required: false,
    type: Boolean,
    description:
      '`true`: the events of a background response as SSE, live while it runs (400 for any other response).',
  })
  @ApiQuery({
    name: 'starting_after',
    required: false,
    type: Number,
    description:
      'With `stream=true`: only the events whose sequence_number is greater.',
  })
  @ApiQuery({
    name: 'include_obfuscation',
    required: false,
    type: Boolean,
    description: 'Accepted and ignored: no obfuscation field is added.',
  })
  @ApiJsonOrStreamOk(
    'Response',
    'ResponsesSseEvent',
    'The response; with `stream=true` (background responses), its events as `event:`/`data:` frames, then `data: [DONE]`.',
  )
  @ApiErrorResponse(
    400,
    '`stream=true` for a response that is not a background one, or for events no longer kept.',
  )
  @ApiErrorResponse(404, 'No stored response has this id.')
  get(
    @Param('id') id: string,
    @Query() query: GetResponseQueryDto,
    @Res() reply: FastifyReply,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<void> {
    return replyStreamOrJson(reply, {
      stream: query.replay,
      json: () => this.stored.get(id, tenant),
      events: async () => ({
        events$: await this.stored.replay(id, query.startingAfter, tenant),
        format: new ResponsesSseFormat(),
      }),
    });
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
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelResponse',
    summary: 'Cancel a background response',
    description:
      'Stops a running background response (its upstream call is aborted) and answers it `cancelled`; one that already ended is answered as it is.',
  })
  @ApiJsonOk('Response')
  @ApiErrorResponse(400, 'Only background responses can be cancelled.')
  @ApiErrorResponse(404, 'No stored response has this id.')
  cancel(
    @Param('id') id: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ResponseObject> {
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
