import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { serverConfig } from '../config/server.config.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOk,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiResponsesRequestHeaders } from '../openapi/request-headers.js';
import type {
  CreateResponseRequest,
  ResponseObject,
} from '../protocol/responses.types.js';
import {
  CreateResponseDto,
  type InputItemsQuery,
} from './create-response.dto.js';
import { replyToCreateRoute } from './reply-with-response.js';
import { ResponsesService } from './responses.service.js';
import type { ItemList, ItemListQuery } from './store/response-store.js';

/** `/v1/responses`, and `/responses` for clients whose base URL has no version. */
@ApiTags('responses')
@Controller(['v1/responses', 'responses'])
export class ResponsesController {
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
    @Res() reply: FastifyReply,
    @Headers('authorization') authorization?: string,
  ): Promise<void> {
    return replyToCreateRoute(this.service, body, reply, {
      authorization,
      forwardClientAuth: this.server.forwardClientAuth,
    });
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
  ): Promise<{ object: 'response.input_tokens'; input_tokens: number }> {
    return this.service.countInputTokens(
      body as unknown as CreateResponseRequest,
    );
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getResponse', summary: 'A stored response' })
  @ApiQuery({
    name: 'stream',
    required: false,
    description: 'Only `false`: replaying a stream is refused (400).',
  })
  @ApiJsonOk('Response')
  @ApiErrorResponse(404, 'No stored response has this id.')
  get(
    @Param('id') id: string,
    @Query('stream') stream?: string,
  ): Promise<ResponseObject> {
    if (stream === 'true') {
      throw new GatewayException(
        'invalid_request',
        'Replaying a stream is only possible for background responses, which this gateway does not run.',
        { param: 'stream' },
      );
    }
    return this.service.get(id);
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
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    return this.service.delete(id);
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
  async cancel(@Param('id') id: string): Promise<never> {
    await this.service.get(id);
    throw new GatewayException(
      'invalid_request',
      'Only background responses can be cancelled.',
      { param: 'response_id' },
    );
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
    @Query() query: InputItemsQuery,
  ): Promise<ItemList> {
    return this.service.inputItems(id, parseItemListQuery(query));
  }
}

function parseItemListQuery(query: InputItemsQuery): ItemListQuery {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new GatewayException(
      'invalid_request',
      'limit must be an integer from 1 to 100.',
      {
        param: 'limit',
      },
    );
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw new GatewayException(
      'invalid_request',
      "order must be 'asc' or 'desc'.",
      {
        param: 'order',
      },
    );
  }
  return { limit, order, after: query.after, before: query.before };
}
