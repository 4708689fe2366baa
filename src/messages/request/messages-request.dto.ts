import {
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  Min,
} from '../../common/validation/class-validator.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type { AnthropicMessagesRequest } from '../../protocol/anthropic-messages.types.js';
import { MessagesCountTokensDto } from './messages-count-tokens.dto.js';
import { checkMetadata, checkStopSequences } from './request-field.rules.js';

/**
 * The body of `POST /v1/messages`, checked through ValidateRequestPipe:
 * field types with built-in constraints, then with CheckedBy rules the
 * shapes the mapping to a chat request reads (messages and their blocks,
 * system, tools, tool_choice, thinking), so the mapping trusts what it
 * reads. Shapes only: tool schemas are never walked. Unknown fields are
 * never rejected, at any level (no whitelisting): Claude Code sends
 * `context_management`, `output_config`, `cache_control`, `caller`,
 * `defer_loading`, … Errors name Anthropic's dotted `param`
 * (`messages.1.content.0.type`).
 */
export class MessagesRequestDto
  extends MessagesCountTokensDto
  implements AnthropicMessagesRequest
{
  @IsInt({ message: 'expected an integer' })
  @Min(1, { message: 'expected at least 1' })
  max_tokens!: number;

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  stream?: boolean;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  temperature?: number;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  top_p?: number;

  @IsOptional()
  @IsInt({ message: 'expected an integer' })
  @Min(0, { message: 'expected at least 0' })
  top_k?: number;

  @IsOptional()
  @IsArray({ message: 'expected an array of strings' })
  @CheckedBy(checkStopSequences)
  stop_sequences?: string[];

  @IsOptional()
  @IsObject({ message: 'expected an object' })
  @CheckedBy(checkMetadata)
  metadata?: AnthropicMessagesRequest['metadata'];
}
