import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from '../../common/validation/class-validator.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
  ResponseReasoningConfig,
  ResponseTextConfig,
  ResponseTool,
  ResponseToolChoice,
} from '../../protocol/responses.types.js';
import { checkInputItems } from './input-item.rules.js';
import {
  checkConversationParam,
  IsItemArray,
  IsMetadata,
  METADATA_RULE_MESSAGE,
  optionalStringField,
  checkBackground,
  requireNonEmptyModel,
} from './request-field.rules.js';
import { checkReasoning, checkTextOptions } from './text-options.rules.js';
import { checkToolChoice, checkTools } from './tool.rules.js';

const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority', 'fast'];

/**
 * The body of `POST /v1/responses` (and of a WebSocket `response.create`),
 * checked through ValidateRequestPipe: the field types with built-in
 * constraints, then, with CheckedBy rules, the contents the mapping to a
 * chat request reads (input items, tools, tool_choice, text, reasoning),
 * so the mapping trusts what it reads. Unknown fields are never rejected
 * (no whitelisting). Field order is the order errors are reported in.
 */
export class CreateResponseDto implements CreateResponseRequest {
  [key: string]: unknown;

  @CheckedBy(checkBackground)
  background?: boolean | null;

  @IsString({ message: 'expected a string' })
  @CheckedBy(requireNonEmptyModel)
  model!: string;

  // Absent, a string, or items that are all objects (the store and the
  // mapping read their fields); null is refused, not taken as absent.
  @ValidateIf((_, value) => value !== undefined && typeof value !== 'string')
  @IsItemArray('expected a string or an array of input items (objects)')
  @CheckedBy((input) => checkInputItems(input, 'input'))
  input?: string | ResponseInputItem[];

  @IsOptional()
  @IsString({ message: 'expected a string' })
  instructions?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  stream?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  store?: boolean;

  @IsOptional()
  @IsString({ message: 'expected a string' })
  previous_response_id?: string | null;

  @CheckedBy(checkConversationParam)
  conversation?: string | { id: string } | null;

  @IsOptional()
  @IsArray({ message: 'expected an array of tools' })
  @CheckedBy(checkTools)
  tools?: ResponseTool[];

  @CheckedBy(checkToolChoice)
  tool_choice?: ResponseToolChoice | null;

  @CheckedBy(checkTextOptions)
  text?: ResponseTextConfig | null;

  @CheckedBy(checkReasoning)
  reasoning?: ResponseReasoningConfig | null;

  @CheckedBy((user) => optionalStringField(user, 'user'))
  user?: string | null;

  @IsOptional()
  @IsInt({ message: 'expected an integer' })
  @Min(1, { message: 'expected at least 1' })
  max_output_tokens?: number | null;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  @Min(0, { message: 'expected a number from 0 to 2' })
  @Max(2, { message: 'expected a number from 0 to 2' })
  temperature?: number | null;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  @Min(0, { message: 'expected a number from 0 to 1' })
  @Max(1, { message: 'expected a number from 0 to 1' })
  top_p?: number | null;

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  parallel_tool_calls?: boolean | null;

  // The fields below are echoed in the response, whose schema bounds them.
  @IsOptional()
  @IsInt({ message: 'expected an integer' })
  @Min(0, { message: 'expected an integer from 0 to 20' })
  @Max(20, { message: 'expected an integer from 0 to 20' })
  top_logprobs?: number | null;

  @IsOptional()
  @IsInt({ message: 'expected an integer' })
  @Min(1, { message: 'expected at least 1' })
  max_tool_calls?: number | null;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  @Min(-2, { message: 'expected a number from -2 to 2' })
  @Max(2, { message: 'expected a number from -2 to 2' })
  presence_penalty?: number | null;

  @IsOptional()
  @IsNumber({}, { message: 'expected a number' })
  @Min(-2, { message: 'expected a number from -2 to 2' })
  @Max(2, { message: 'expected a number from -2 to 2' })
  frequency_penalty?: number | null;

  @IsOptional()
  @IsString({ message: 'expected a string' })
  @MaxLength(64, { message: 'expected at most 64 characters' })
  safety_identifier?: string | null;

  @IsOptional()
  @IsString({ message: 'expected a string' })
  @MaxLength(64, { message: 'expected at most 64 characters' })
  prompt_cache_key?: string | null;

  @IsOptional()
  @IsIn(SERVICE_TIERS, {
    message: `expected one of ${SERVICE_TIERS.join(', ')}`,
  })
  service_tier?: string | null;

  @IsOptional()
  // Echoed in the response, whose schema allows only these strings.
  @IsMetadata(METADATA_RULE_MESSAGE)
  metadata?: Record<string, string> | null;

  @IsOptional()
  @IsIn(['auto', 'disabled'], { message: "expected 'auto' or 'disabled'" })
  truncation?: 'auto' | 'disabled' | null;
}
