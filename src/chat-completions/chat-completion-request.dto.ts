import { IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';

/**
 * The fields of a chat completion request that the gateway reads and routes
 * on. Only these are checked; every other field is forwarded untouched, so
 * this DTO is never used with `whitelist` or `forbidNonWhitelisted`.
 */
export class ChatCompletionRequestDto {
  @IsString({ message: 'expected a string' })
  model!: string;

  @IsArray({ message: 'expected an array of messages' })
  messages!: unknown[];

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  stream?: boolean;
}
