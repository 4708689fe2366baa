import { Inject, Injectable } from '@nestjs/common';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import {
  ModelCallService,
  type ModelCallOptions,
} from '../../model-call/model-call.service.js';
import { restoreCompactionItems } from '../core/compaction-items.js';
import { asContextLengthError } from '../core/context-length.js';
import { newId } from '../core/ids.js';
import { isRecord } from '../core/request-guards.js';
import type {
  ResponseInputItem,
  ResponseUsage,
} from '../../protocol/responses.types.js';
import { toChatRequest } from '../core/to-chat-request.js';
import { toResponseUsage } from '../core/usage.mapper.js';
import { normalizeInputItems } from '../input-items.js';
import { historyBefore } from '../store/conversation-history.js';
import { RESPONSE_STORE, type ResponseStore } from '../store/response-store.js';
import { compactionMessages } from './compaction-prompt.js';
import { CompactionSeal } from './compaction-seal.js';

/** The body of `POST /v1/responses/compact`, as the gateway reads it. */
export interface CompactRequest {
  model: string;
  input?: string | ResponseInputItem[] | null;
  previous_response_id?: string | null;
  instructions?: string | ResponseInputItem[] | null;
  prompt_cache_key?: string | null;
}

/** `response.compaction`: the items to send back as the next turn's input. */
export interface CompactedResponse {
  id: string;
  object: 'response.compaction';
  output: ResponseInputItem[];
  created_at: number;
  usage: ResponseUsage;
}

/**
 * Compacts a conversation: the model writes a faithful summary of it
 * (COMPACTION_SYSTEM_PROMPT), which is sealed into an opaque `compaction`
 * item. The output keeps the user's messages, then that item; sent back as
 * input, the item is opened again and the model sees the summary.
 */
@Injectable()
export class CompactService {
  constructor(
    private readonly model: ModelCallService,
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    private readonly seal: CompactionSeal,
  ) {}

  async compact(
    request: CompactRequest,
    options: ModelCallOptions,
  ): Promise<CompactedResponse> {
    const { items: history } = await historyBefore(
      request.previous_response_id,
      this.store,
    );
    const input = normalizeInputItems(request.input ?? undefined);
    const open = (encrypted: string): string | undefined =>
      this.seal.open(encrypted)?.summary;
    const plan = toChatRequest(
      {
        model: request.model,
        instructions: request.instructions ?? null,
        input: [...restoreCompactionItems(input, open, 'input')],
      },
      restoreCompactionItems(history, open, 'previous_response_id'),
      (id) => [...history, ...input].find((item) => item.id === id),
    );
    const completion = await this.model
      .complete(
        {
          model: request.model,
          messages: compactionMessages(plan.chat.messages),
          stream: false,
          ...(request.prompt_cache_key
            ? { prompt_cache_key: request.prompt_cache_key }
            : {}),
        },
        options,
      )
      .catch((error: unknown) => {
        throw asContextLengthError(error);
      });
    const summary = textOf(completion.choices[0]?.message.content);
    if (summary.trim() === '') {
      throw new GatewayException(
        'upstream_bad_response',
        'The model returned an empty summary.',
      );
    }
    const createdAt = Math.floor(Date.now() / 1000);
    return {
      id: newId('resp'),
      object: 'response.compaction',
      output: [
        ...[...history, ...input].filter(isUserMessage),
        {
          id: newId('cmp'),
          type: 'compaction',
          encrypted_content: this.seal.seal({
            summary,
            model: request.model,
            createdAt,
          }),
        },
      ],
      created_at: createdAt,
      usage: toResponseUsage(
        completion.usage ?? {
          prompt_tokens: 0,
          completion_tokens: 0,
          total_tokens: 0,
        },
      ),
    };
  }
}

// The user's own messages stay verbatim; everything else is in the summary.
function isUserMessage(item: ResponseInputItem): boolean {
  return isRecord(item) && item.type === 'message' && item['role'] === 'user';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  return Array.isArray(content)
    ? content
        .map((part: unknown) =>
          isRecord(part) && typeof part['text'] === 'string'
            ? part['text']
            : '',
        )
        .join('')
    : '';
}
