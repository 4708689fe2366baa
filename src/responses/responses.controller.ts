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
import type { FastifyReply } from 'fastify';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { serverConfig } from '../config/server.config.js';
import { forwardedAuthHeaders } from '../model-call/forwarded-auth.js';
import type {
  CreateResponseRequest,
  ResponseObject,
} from './core/responses.types.js';
import {
  CreateResponseDto,
  type InputItemsQuery,
} from './create-response.dto.js';
import { replyWithResponse } from './reply-with-response.js';
import { ResponsesService } from './responses.service.js';
import type { ItemList, ItemListQuery } from './store/response-store.js';

/** `/v1/responses`, and `/responses` for clients whose base URL has no version. */
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
  create(
    @Body() body: CreateResponseDto,
    @Res() reply: FastifyReply,
    @Headers('authorization') authorization?: string,
  ): Promise<void> {
    return replyWithResponse(
      this.service,
      body as unknown as CreateResponseRequest,
      reply,
      {
        headers: forwardedAuthHeaders(
          authorization,
          this.server.forwardClientAuth,
        ),
      },
    );
  }

  @Post('input_tokens')
  @HttpCode(200)
  countInputTokens(
    @Body() body: CreateResponseDto,
  ): Promise<{ object: 'response.input_tokens'; input_tokens: number }> {
    return this.service.countInputTokens(
      body as unknown as CreateResponseRequest,
    );
  }

  @Get(':id')
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
  delete(
    @Param('id') id: string,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    return this.service.delete(id);
  }

  @Post(':id/cancel')
  async cancel(@Param('id') id: string): Promise<never> {
    await this.service.get(id);
    throw new GatewayException(
      'invalid_request',
      'Only background responses can be cancelled.',
      { param: 'response_id' },
    );
  }

  @Get(':id/input_items')
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
