import { Injectable } from '@nestjs/common';
import { filter, map, type Observable } from 'rxjs';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../llm-client/chat-completion.types.js';
import {
  LlmClientService,
  type UpstreamCallOptions,
} from '../llm-client/llm-client.service.js';

/** /v1/chat/completions: for now a faithful pass-through to the upstream. */
@Injectable()
export class ChatCompletionsService {
  constructor(private readonly llm: LlmClientService) {}

  complete(
    request: ChatCompletionRequest,
    options: UpstreamCallOptions,
  ): Promise<ChatCompletion> {
    return this.llm.createChatCompletion(request, options);
  }

  stream(
    request: ChatCompletionRequest,
    options: UpstreamCallOptions,
  ): Observable<ChatCompletionChunk> {
    // The client decides whether it wants the usage chunk; the upstream call
    // always asks for it, so drop it here unless the client asked too.
    const wantsUsage = request.stream_options?.include_usage === true;
    const chunks$ = this.llm.streamChatCompletion(request, options);
    return wantsUsage ? chunks$ : withoutUsageOnlyChunks(chunks$);
  }
}

/** Removes what `include_usage` added when the client did not ask for it. */
function withoutUsageOnlyChunks(
  chunks$: Observable<ChatCompletionChunk>,
): Observable<ChatCompletionChunk> {
  return chunks$.pipe(
    filter((chunk) => !(chunk.choices.length === 0 && chunk.usage)),
    map((chunk) => {
      if (!('usage' in chunk)) {
        return chunk;
      }
      const { usage: _usage, ...rest } = chunk;
      return rest;
    }),
  );
}
