import { randomBytes } from 'node:crypto';
import { defer, mergeMap, type Observable } from 'rxjs';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatFinishReason,
  ChatMessage,
  ChatToolCall,
  ChatUsage,
} from '../../protocol/chat-completion.types.js';
import type { ToolLoopEvent } from './tool-loop.types.js';

type Choice = ChatCompletionChunk['choices'][number];
type Head = Pick<ChatCompletionChunk, 'id' | 'created' | 'model'>;

/** Where a backend names the stop string it stopped at (vLLM, SGLang). */
const STOP_STRING_FIELDS = ['stop_reason', 'matched_stop'] as const;

/**
 * The tool loop as one continuous chat.completion.chunk stream, whatever the
 * number of rounds: every chunk carries the first round's id, created and
 * model; the role goes out once; the one finish_reason comes last; usage,
 * summed over the rounds, follows in a chunk of its own when
 * `includeUsage` (the client's `stream_options.include_usage`).
 */
export function toChatChunks(
  events$: Observable<ToolLoopEvent>,
  options: { includeUsage: boolean },
): Observable<ChatCompletionChunk> {
  return defer(() => {
    const stream = new ContinuousChunks(options.includeUsage);
    return events$.pipe(mergeMap((event) => stream.on(event)));
  });
}

class ContinuousChunks {
  private head: Head | undefined;
  private roleSent = false;
  /** The last usage of each round: a backend may repeat it. */
  private readonly usage = new Map<number, ChatUsage>();
  private lastRound: number | undefined;
  /** The stop string fields choice 0 last carried, and their round. */
  private stopString:
    { round: number; fields: Record<string, unknown> } | undefined;

  constructor(private readonly includeUsage: boolean) {}

  on(event: ToolLoopEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'chunk':
        return this.chunk(event.round, event.chunk);
      case 'finished':
        return this.finish(event.finishReason);
      case 'tool_call_started':
      case 'tool_call_finished':
      case 'approval_requested':
        return [];
    }
  }

  private chunk(
    round: number,
    chunk: ChatCompletionChunk,
  ): ChatCompletionChunk[] {
    const head = (this.head ??= {
      id: chunk.id,
      created: chunk.created,
      model: chunk.model,
    });
    const { usage, ...rest } = chunk;
    if (usage) {
      this.usage.set(round, usage);
    }
    this.noteStopString(round, rest.choices);
    const choices = rest.choices
      .map((choice) => this.withoutRepeatedRole(choice))
      .filter((choice) => Object.keys(choice.delta).length > 0);
    if (choices.length === 0) {
      return [];
    }
    return [{ ...rest, ...head, choices }];
  }

  /**
   * Keeps the stop string a backend names (vLLM's `stop_reason`, SGLang's
   * `matched_stop`, which the Messages API answers as `stop_sequence`): the
   * tool loop takes finish_reason off, and the finish chunk is made here.
   */
  private noteStopString(round: number, choices: readonly Choice[]): void {
    this.lastRound = round;
    const first = choices.find((choice) => choice.index === 0);
    const fields: Record<string, unknown> = {};
    for (const field of STOP_STRING_FIELDS) {
      if (first?.[field] !== undefined) {
        fields[field] = first[field];
      }
    }
    if (Object.keys(fields).length > 0) {
      this.stopString = { round, fields };
    }
  }

  /** The stop string of the last round, the one that ended the answer. */
  private lastStopString(): Record<string, unknown> {
    const stop = this.stopString;
    return stop !== undefined && stop.round === this.lastRound
      ? stop.fields
      : {};
  }

  private withoutRepeatedRole(choice: Choice): Choice {
    if (choice.delta.role === undefined) {
      return choice;
    }
    if (!this.roleSent) {
      this.roleSent = true;
      return choice;
    }
    const { role: _role, ...delta } = choice.delta;
    return { ...choice, delta };
  }

  private finish(finishReason: ChatFinishReason): ChatCompletionChunk[] {
    const head = (this.head ??= {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      created: Math.floor(Date.now() / 1000),
      model: '',
    });
    const delta: Choice['delta'] = this.roleSent ? {} : { role: 'assistant' };
    const chunks: ChatCompletionChunk[] = [
      {
        ...head,
        object: 'chat.completion.chunk',
        choices: [
          {
            index: 0,
            delta,
            finish_reason: finishReason,
            ...this.lastStopString(),
          },
        ],
      },
    ];
    if (this.includeUsage && this.usage.size > 0) {
      chunks.push({
        ...head,
        object: 'chat.completion.chunk',
        choices: [],
        usage: [...this.usage.values()].reduce(sumChatUsage),
      });
    }
    return chunks;
  }
}

/** Two usages added up, details included. */
function sumChatUsage(a: ChatUsage, b: ChatUsage): ChatUsage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    prompt_tokens_details: {
      cached_tokens:
        (a.prompt_tokens_details?.cached_tokens ?? 0) +
        (b.prompt_tokens_details?.cached_tokens ?? 0),
    },
    completion_tokens_details: {
      reasoning_tokens:
        (a.completion_tokens_details?.reasoning_tokens ?? 0) +
        (b.completion_tokens_details?.reasoning_tokens ?? 0),
    },
  };
}

/**
 * A whole chunk stream (choice 0) as one ChatCompletion: the non-streaming
 * answer of the same loop. Top-level fields of the first chunk (such as
 * `system_fingerprint`) are kept.
 */
export function toChatCompletion(
  chunks: readonly ChatCompletionChunk[],
): ChatCompletion {
  const { message, finishReason, usage } = choiceZero(chunks);
  const {
    object: _object,
    choices: _choices,
    usage: _usage,
    ...extra
  } = chunks[0] ?? {
    id: '',
    object: 'chat.completion.chunk',
    created: 0,
    model: '',
    choices: [],
  };
  return {
    ...extra,
    id: extra.id,
    object: 'chat.completion',
    created: extra.created,
    model: extra.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/** The deltas of choice 0 added up into one message; the last finish_reason and usage. */
function choiceZero(chunks: readonly ChatCompletionChunk[]): {
  message: ChatMessage;
  finishReason: ChatFinishReason | null;
  usage: ChatUsage | null;
} {
  let content = '';
  let reasoning = '';
  let refusal = '';
  const calls: ChatToolCall[] = [];
  let finishReason: ChatFinishReason | null = null;
  let usage: ChatUsage | null = null;
  for (const chunk of chunks) {
    usage = chunk.usage ?? usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (choice === undefined) {
      continue;
    }
    const delta = choice.delta;
    content += typeof delta.content === 'string' ? delta.content : '';
    refusal += typeof delta.refusal === 'string' ? delta.refusal : '';
    const thought = delta.reasoning_content || delta.reasoning;
    reasoning += typeof thought === 'string' ? thought : '';
    for (const fragment of delta.tool_calls ?? []) {
      addToolCallFragment(calls, fragment);
    }
    finishReason = choice.finish_reason ?? finishReason;
  }
  const message: ChatMessage = {
    role: 'assistant',
    content: content === '' ? null : content,
    // OpenAI always sends `refusal`; the spec requires it.
    refusal: refusal === '' ? null : refusal,
  };
  if (reasoning !== '') {
    message.reasoning_content = reasoning;
  }
  if (calls.length > 0) {
    message.tool_calls = calls.filter((call) => call !== undefined);
  }
  return { message, finishReason, usage };
}

type ToolCallFragment = NonNullable<Choice['delta']['tool_calls']>[number];

function addToolCallFragment(
  calls: ChatToolCall[],
  fragment: ToolCallFragment,
): void {
  const index = fragment.index ?? Math.max(calls.length - 1, 0);
  const call = (calls[index] ??= {
    id: '',
    type: 'function',
    function: { name: '', arguments: '' },
  });
  call.id ||= fragment.id ?? '';
  call.function.name ||= fragment.function?.name ?? '';
  call.function.arguments += fragment.function?.arguments ?? '';
}
