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
  ValidateBy,
  ValidateIf,
} from 'class-validator';

const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority', 'fast'];

/** OpenAI's limits on `metadata`. */
const METADATA_MAX_PAIRS = 16;
const METADATA_MAX_KEY = 64;
const METADATA_MAX_VALUE = 512;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An array whose every element is an object (an input item). */
function IsItemArray(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isItemArray',
    validator: {
      validate: (value) => Array.isArray(value) && value.every(isPlainObject),
      defaultMessage: () => message,
    },
  });
}

/** At most 16 string values, keys up to 64 characters and values up to 512. */
function IsMetadata(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isMetadata',
    validator: {
      validate: (value) =>
        isPlainObject(value) &&
        Object.keys(value).length <= METADATA_MAX_PAIRS &&
        Object.entries(value).every(
          ([key, text]) =>
            key.length <= METADATA_MAX_KEY &&
            typeof text === 'string' &&
            text.length <= METADATA_MAX_VALUE,
        ),
      defaultMessage: () => message,
    },
  });
}

/**
 * The fields of a Responses request the gateway reads itself. Only these are
 * checked; everything else is left to the request mapping, and unknown fields
 * are never rejected (this DTO is not used with whitelisting).
 */
export class CreateResponseDto {
  @IsString({ message: 'expected a string' })
  model!: string;

  // Absent, a string, or items that are all objects (the store and the
  // mapping read their fields); null is refused, not taken as absent.
  @ValidateIf((_, value) => value !== undefined && typeof value !== 'string')
  @IsItemArray('expected a string or an array of input items (objects)')
  input?: string | unknown[];

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

  @IsOptional()
  @IsArray({ message: 'expected an array of tools' })
  tools?: unknown[];

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
  @IsMetadata(
    `expected an object of at most ${METADATA_MAX_PAIRS} string values (keys up to ${METADATA_MAX_KEY} characters, values up to ${METADATA_MAX_VALUE})`,
  )
  metadata?: Record<string, string> | null;

  @IsOptional()
  @IsIn(['auto', 'disabled'], { message: "expected 'auto' or 'disabled'" })
  truncation?: 'auto' | 'disabled' | null;
}

/** Query of GET /v1/responses/{id}/input_items. */
export interface InputItemsQuery {
  limit?: string;
  order?: string;
  after?: string;
  before?: string;
}
