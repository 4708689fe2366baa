import {
  IsArray,
  IsOptional,
  IsString,
} from '../../common/validation/class-validator.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type {
  AnthropicInputMessage,
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicThinkingConfig,
  AnthropicToolChoice,
} from '../../protocol/anthropic-messages.types.js';
import { checkMessages, checkSystem } from './content-block.rules.js';
import {
  checkModel,
  checkThinking,
  checkToolChoice,
  checkTools,
} from './request-field.rules.js';

/**
 * The body of `POST /v1/messages/count_tokens`: the fields of a Messages
 * request that make up the prompt, checked as MessagesRequestDto checks
 * them (which extends this class with the generation settings). Unknown
 * fields are never rejected, at any level: this DTO is never used with
 * `whitelist` or `forbidNonWhitelisted`, as Claude Code sends many fields
 * the gateway does not read (`context_management`, `cache_control`, …).
 */
export class MessagesCountTokensDto implements Omit<
  AnthropicMessagesRequest,
  'max_tokens'
> {
  [key: string]: unknown;

  @IsString({ message: 'expected a string' })
  @CheckedBy(checkModel)
  model!: string;

  @IsArray({ message: 'expected an array of messages' })
  @CheckedBy(checkMessages)
  messages!: AnthropicInputMessage[];

  @CheckedBy(checkSystem)
  system?: string | AnthropicTextBlock[];

  @IsOptional()
  @IsArray({ message: 'expected an array of tools' })
  @CheckedBy(checkTools)
  tools?: AnthropicMessagesRequest['tools'];

  @CheckedBy(checkToolChoice)
  tool_choice?: AnthropicToolChoice;

  @CheckedBy(checkThinking)
  thinking?: AnthropicThinkingConfig;
}
