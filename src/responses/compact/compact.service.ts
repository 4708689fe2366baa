import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { assertModelAllowed } from '../../auth/access-policy.js';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { forwardedAuthHeaders } from '../../common/http/client-call-options.js';
import { isRecord } from '../../common/is-record.js';
import type { Tenant } from '../../config/security/tenant.js';
import { serverConfig } from '../../config/server.config.js';
import { UpstreamRouter } from '../../llm-client/upstream-router.service.js';
import type { ChatMessage } from '../../protocol/chat-completion.types.js';
import {
  ModelCallService,
  type ModelCallOptions,
} from '../../model-call/model-call.service.js';
import { asContextLengthError } from '../core/context-length.js';
import { newId } from '../core/ids.js';
import type {
  ResponseInputItem,
  ResponseUsage,
} from '../../protocol/responses.types.js';
import { toResponseUsage } from '../core/usage.mapper.js';
import { TurnPreparationService } from '../turn-preparation.service.js';
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

/** The model's summary of a conversation, and what it cost. */
interface Summary {
  text: string;
  usage: ResponseUsage;
}

/**
 * Compacts a conversation: the model writes a faithful summary of it
 * (COMPACTION_SYSTEM_PROMPT), which is sealed into an opaque `compaction`
 * item. The output keeps the user's messages, then that item; sent back as
 * input, the item is opened again and the model sees the summary. The
 * conversation is prepared as for a create turn (TurnPreparationService).
 */
@Injectable()
export class CompactService {
  constructor(
    private readonly model: ModelCallService,
    private readonly turns: TurnPreparationService,
    private readonly seal: CompactionSeal,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth'
    >,
    private readonly router: UpstreamRouter,
  ) {}

  /**
   * `authorization`: the client's, forwarded when FORWARD_CLIENT_AUTH is on.
   * A model the caller's key may not use is a 403 before anything else.
   */
  async compact(
    request: CompactRequest,
    authorization?: string,
    tenant?: Tenant,
  ): Promise<CompactedResponse> {
    assertModelAllowed(tenant, { model: request.model }, () =>
      this.router.route(request.model),
    );
    // Only the caller's own stored responses, items and compaction items.
    const conversation = await this.turns.conversation(request, {
      caller: tenant,
    });
    const plan = this.turns.chatRequest(
      { model: request.model },
      conversation,
      tenant,
    );
    const summary = await this.summarize(request, plan.chat.messages, {
      headers: forwardedAuthHeaders(
        authorization,
        this.server.forwardClientAuth,
      ),
    });
    const createdAt = Math.floor(Date.now() / 1000);
    return {
      id: newId('resp'),
      object: 'response.compaction',
      output: [
        ...[...conversation.history, ...conversation.inputItems].filter(
          isUserMessage,
        ),
        {
          id: newId('cmp'),
          type: 'compaction',
          encrypted_content: this.seal.seal({
            summary: summary.text,
            model: request.model,
            createdAt,
            // Opens for this key only (CompactionSeal.open).
            ...(tenant === undefined ? {} : { owner: tenant.id }),
          }),
        },
      ],
      created_at: createdAt,
      usage: summary.usage,
    };
  }

  /** One model call over the transcript (502 for an empty summary). */
  private async summarize(
    request: CompactRequest,
    conversation: readonly ChatMessage[],
    options: ModelCallOptions,
  ): Promise<Summary> {
    const completion = await this.model
      .complete(
        {
          model: request.model,
          messages: compactionMessages(conversation),
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
    const text = textOf(completion.choices[0]?.message.content);
    if (text.trim() === '') {
      throw new GatewayException(
        'upstream_bad_response',
        'The model returned an empty summary.',
      );
    }
    return {
      text,
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
