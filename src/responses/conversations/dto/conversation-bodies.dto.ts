import {
  ArrayMaxSize,
  IsOptional,
} from '../../../common/validation/class-validator.js';
import { CheckedBy } from '../../../common/http/checked-by.decorator.js';
import type { ResponseInputItem } from '../../../protocol/responses.types.js';
import { checkInputItems } from '../../dto/input-item.rules.js';
import {
  IsItemArray,
  IsMetadata,
  METADATA_RULE_MESSAGE,
} from '../../dto/request-field.rules.js';

/** Items OpenAI lets one request add to a conversation. */
const MAX_ITEMS_PER_REQUEST = 20;

const ITEMS_MESSAGE = 'expected an array of input items (objects)';
const AT_MOST_20 = `expected at most ${MAX_ITEMS_PER_REQUEST} items`;

/** The body of POST /v1/conversations (CreateConversationBody). */
export class CreateConversationDto {
  [key: string]: unknown;

  // Items are checked by the rules of /v1/responses `input`.
  @IsOptional()
  @IsItemArray(ITEMS_MESSAGE)
  @ArrayMaxSize(MAX_ITEMS_PER_REQUEST, { message: AT_MOST_20 })
  @CheckedBy((items) => checkInputItems(items, 'items'))
  items?: ResponseInputItem[] | null;

  @IsOptional()
  @IsMetadata(METADATA_RULE_MESSAGE)
  metadata?: Record<string, string> | null;
}

/** The body of POST /v1/conversations/{id} (UpdateConversationBody). */
export class UpdateConversationDto {
  [key: string]: unknown;

  // Required: absent fails IsMetadata too.
  @IsMetadata(METADATA_RULE_MESSAGE)
  metadata!: Record<string, string>;
}

/** The body of POST /v1/conversations/{id}/items. */
export class CreateConversationItemsDto {
  [key: string]: unknown;

  @IsItemArray(ITEMS_MESSAGE)
  @ArrayMaxSize(MAX_ITEMS_PER_REQUEST, { message: AT_MOST_20 })
  @CheckedBy((items) => checkInputItems(items, 'items'))
  items!: ResponseInputItem[];
}
