import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { CallerTenant } from '../../auth/request-tenant.js';
import {
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '../../common/http/api-docs-decorators.js';
import type { Tenant } from '../../config/security/tenant.js';
import {
  ApiErrorResponse,
  ApiJsonBody,
  ApiJsonOk,
} from '../../openapi/api-docs.decorators.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { InputItemsQueryDto } from '../dto/response-queries.dto.js';
import type { ItemList } from '../store/response-store.js';
import {
  ConversationsService,
  type ConversationObject,
  type DeletedConversation,
} from './conversations.service.js';
import {
  CreateConversationDto,
  CreateConversationItemsDto,
  UpdateConversationDto,
} from './dto/conversation-bodies.dto.js';

const NOT_FOUND = 'No conversation of this key has this id.';

/**
 * `/v1/conversations` (and `/conversations`), as OpenAI defines it: the
 * conversations and items of the caller's key. `include` is accepted on the
 * item routes and changes nothing: the gateway stores no extra outputs.
 */
@ApiTags('conversations')
@Controller(['v1/conversations', 'conversations'])
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createConversation',
    summary: 'Create a conversation',
  })
  @ApiJsonBody('CreateConversationBody')
  @ApiJsonOk('ConversationResource')
  create(
    @Body() body: CreateConversationDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ConversationObject> {
    return this.conversations.create(body, tenant);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getConversation', summary: 'A conversation' })
  @ApiJsonOk('ConversationResource')
  @ApiErrorResponse(404, NOT_FOUND)
  get(
    @Param('id') id: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ConversationObject> {
    return this.conversations.retrieve(id, tenant);
  }

  @Post(':id')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'updateConversation',
    summary: "Replace a conversation's metadata",
  })
  @ApiJsonBody('UpdateConversationBody')
  @ApiJsonOk('ConversationResource')
  @ApiErrorResponse(404, NOT_FOUND)
  update(
    @Param('id') id: string,
    @Body() body: UpdateConversationDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ConversationObject> {
    return this.conversations.update(id, body.metadata, tenant);
  }

  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteConversation',
    summary: 'Delete a conversation and its items',
  })
  @ApiJsonOk('DeletedConversationResource')
  @ApiErrorResponse(404, NOT_FOUND)
  delete(
    @Param('id') id: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<DeletedConversation> {
    return this.conversations.delete(id, tenant);
  }

  @Get(':id/items')
  @ApiOperation({
    operationId: 'listConversationItems',
    summary: 'The items of a conversation, newest first unless told',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'after', required: false, type: String })
  @ApiJsonOk('ConversationItemList')
  @ApiErrorResponse(404, NOT_FOUND)
  listItems(
    @Param('id') id: string,
    @Query() query: InputItemsQueryDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ItemList> {
    return this.conversations.listItems(id, query.toItemListQuery(), tenant);
  }

  @Post(':id/items')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createConversationItems',
    summary: 'Add items to a conversation',
  })
  @ApiJsonBody('CreateConversationItemsBody')
  @ApiJsonOk('ConversationItemList')
  @ApiErrorResponse(404, NOT_FOUND)
  addItems(
    @Param('id') id: string,
    @Body() body: CreateConversationItemsDto,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ItemList> {
    return this.conversations.addItems(id, body.items, tenant);
  }

  @Get(':id/items/:itemId')
  @ApiOperation({
    operationId: 'getConversationItem',
    summary: 'One item of a conversation',
  })
  @ApiJsonOk('ConversationItem')
  @ApiErrorResponse(404, 'No such conversation, or no such item in it.')
  getItem(
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ResponseInputItem> {
    return this.conversations.retrieveItem(id, itemId, tenant);
  }

  @Delete(':id/items/:itemId')
  @ApiOperation({
    operationId: 'deleteConversationItem',
    summary: 'Delete one item of a conversation',
  })
  @ApiJsonOk('ConversationResource')
  @ApiErrorResponse(404, 'No such conversation, or no such item in it.')
  deleteItem(
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @CallerTenant() tenant: Tenant | undefined,
  ): Promise<ConversationObject> {
    return this.conversations.deleteItem(id, itemId, tenant);
  }
}
