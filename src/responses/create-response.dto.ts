import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

/**
 * The fields of a Responses request the gateway reads itself. Only these are
 * checked; everything else is left to the request mapping, and unknown fields
 * are never rejected (this DTO is not used with whitelisting).
 */
export class CreateResponseDto {
  @IsString({ message: 'expected a string' })
  model!: string;

  @IsOptional()
  @ValidateIf((_, value) => typeof value !== 'string')
  @IsArray({ message: 'expected a string or an array of input items' })
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

  @IsOptional()
  @IsObject({ message: 'expected an object of string values' })
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
