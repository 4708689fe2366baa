import {
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
} from '../common/validation/class-validator.js';
import type {
  ChatCompletionRequest,
  ChatMessage,
} from '../protocol/chat-completion.types.js';

/**
 * The fields of a chat completion request that the gateway reads and routes
 * on. Only these are checked; every other field, and each message, is
 * forwarded untouched for the backend to judge, so this DTO is never used
 * with `whitelist` or `forbidNonWhitelisted`.
 */
export class ChatCompletionRequestDto implements ChatCompletionRequest {
  [key: string]: unknown;

  @IsString({ message: 'expected a string' })
  model!: string;

  @IsArray({ message: 'expected an array of messages' })
  messages!: ChatMessage[];

  @IsOptional()
  @IsBoolean({ message: 'expected a boolean' })
  stream?: boolean;
}
