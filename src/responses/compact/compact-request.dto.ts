import {
  IsArray,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/**
 * `POST /v1/responses/compact`. Only the fields the gateway reads are
 * checked; unknown fields are accepted and ignored (no whitelisting, as for
 * every proxied body).
 */
export class CompactRequestDto {
  @IsString({ message: "Missing required parameter: 'model'." })
  model!: string;

  @IsOptional()
  @ValidateIf((_dto, value) => typeof value !== 'string')
  @IsArray({
    message: "Invalid 'input': expected a string or an array of items.",
  })
  input?: string | unknown[] | null;

  @IsOptional()
  @IsString()
  previous_response_id?: string | null;

  @IsOptional()
  @ValidateIf((_dto, value) => typeof value !== 'string')
  @IsArray({
    message: "Invalid 'instructions': expected a string or an array of items.",
  })
  instructions?: string | unknown[] | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  prompt_cache_key?: string | null;
}
