import {
  IsArray,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from '../../common/validation/class-validator.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { checkInputItems } from '../dto/input-item.rules.js';
import { checkConversationParam } from '../dto/request-field.rules.js';
import { requireNonEmptyModel } from '../dto/request-field.rules.js';

/**
 * `POST /v1/responses/compact`. Only the fields the gateway reads are
 * checked, items as for a create request; unknown fields are accepted and
 * ignored (no whitelisting, as for every proxied body).
 */
export class CompactRequestDto {
  @IsString({ message: "Missing required parameter: 'model'." })
  @CheckedBy(requireNonEmptyModel)
  model!: string;

  @IsOptional()
  @ValidateIf((_dto, value) => typeof value !== 'string')
  @IsArray({
    message: "Invalid 'input': expected a string or an array of items.",
  })
  @CheckedBy((input) => checkInputItems(input, 'input'))
  input?: string | ResponseInputItem[] | null;

  @IsOptional()
  @IsString()
  previous_response_id?: string | null;

  // Not in OpenAI's compact body, but read as on a create request (the
  // conversation's items are what is compacted), so checked the same way.
  @CheckedBy(checkConversationParam)
  conversation?: string | { id: string } | null;

  @IsOptional()
  @ValidateIf((_dto, value) => typeof value !== 'string')
  @IsArray({
    message: "Invalid 'instructions': expected a string or an array of items.",
  })
  @CheckedBy((instructions) => checkInputItems(instructions, 'instructions'))
  instructions?: string | ResponseInputItem[] | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  prompt_cache_key?: string | null;
}
