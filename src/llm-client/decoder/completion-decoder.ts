import { randomText } from '../../common/random/random-text.js';
import type {
  ChatCompletion,
  ChatToolCall,
} from '../../protocol/chat-completion.types.js';
import {
  type DecodedError,
  decodeErrorBody,
  upstreamErrorException,
} from './error-decoder.js';
import { field, numberOr, type RawObject } from './raw-fields.js';
import { decodeUsage } from './usage-decoder.js';
import { isRecord } from '../../common/is-record.js';

type Choice = ChatCompletion['choices'][number];

/**
 * Turns a non-streamed chat completion, as any backend writes it, into the
 * gateway's ChatCompletion (backend-dialects.md), in place:
 * - `choices` must be an array (else `upstream_bad_response`); entries that
 *   are not objects are dropped, a missing `index` is the position;
 * - the message always has a `role`, a `content` and a `refusal` key, as
 *   OpenAI's does (LM Studio omits `content` on a tool-call message), and
 *   its other null or wrongly typed read fields are absent;
 * - every tool call has an id (one is made when the backend sent none), a
 *   name and JSON-text arguments; `finish_reason:"stop"` with tool calls is
 *   `tool_calls`;
 * - usage is in one shape (decodeUsage).
 * @throws GatewayException for an error body sent with a 2xx status.
 */
export function decodeCompletion(
  raw: RawObject,
  upstreamName: string,
  badResponse: (what: string) => Error,
): ChatCompletion {
  const error = errorIn(raw);
  if (error !== undefined) {
    throw upstreamErrorException(
      error,
      `The upstream '${upstreamName}' answered with an error.`,
      undefined,
    );
  }
  const choices = field(raw, 'choices');
  if (!Array.isArray(choices)) {
    throw badResponse('a completion without a choices array');
  }
  raw['choices'] = choices
    .filter(isRecord)
    .map((choice, position) => decodeChoice(choice, position));
  raw['usage'] = decodeUsage(field(raw, 'usage'));
  if (typeof field(raw, 'id') !== 'string') {
    raw['id'] = `chatcmpl-${randomText(12, 'hex')}`;
  }
  if (typeof field(raw, 'model') !== 'string') {
    raw['model'] = '';
  }
  if (numberOr(field(raw, 'created')) === undefined) {
    raw['created'] = Math.floor(Date.now() / 1000);
  }
  raw['object'] = 'chat.completion';
  return raw as ChatCompletion;
}

function errorIn(raw: RawObject): DecodedError | undefined {
  const error = field(raw, 'error');
  return (error !== undefined && error !== null) || raw['object'] === 'error'
    ? decodeErrorBody(raw)
    : undefined;
}

function decodeChoice(choice: RawObject, position: number): Choice {
  if (numberOr(field(choice, 'index')) === undefined) {
    choice['index'] = position;
  }
  const message = isRecord(choice['message']) ? choice['message'] : {};
  choice['message'] = message;
  if (typeof field(message, 'role') !== 'string') {
    message['role'] = 'assistant';
  }
  const content = field(message, 'content');
  if (typeof content !== 'string' && !Array.isArray(content)) {
    message['content'] = null;
  }
  // OpenAI's message always has `refusal`, null when there is none.
  if (typeof field(message, 'refusal') !== 'string') {
    message['refusal'] = null;
  }
  for (const name of ['reasoning_content', 'reasoning'] as const) {
    if (typeof field(message, name) !== 'string') {
      message[name] = undefined;
    }
  }
  const calls = decodeToolCalls(field(message, 'tool_calls'));
  message['tool_calls'] = calls;
  const finish = field(choice, 'finish_reason');
  choice['finish_reason'] =
    typeof finish !== 'string' || finish === ''
      ? null
      : finish === 'stop' && calls !== undefined
        ? 'tool_calls'
        : finish;
  return choice as Choice;
}

function decodeToolCalls(raw: unknown): ChatToolCall[] | undefined {
  if (!Array.isArray(raw)) {
    return undefined;
  }
  const calls: ChatToolCall[] = [];
  for (const call of raw) {
    if (!isRecord(call) || !isRecord(call['function'])) {
      continue;
    }
    const func = call['function'];
    const name = func['name'];
    if (typeof name !== 'string' || name === '') {
      continue;
    }
    const args = func['arguments'];
    func['arguments'] =
      typeof args === 'string'
        ? args
        : isRecord(args) || Array.isArray(args)
          ? JSON.stringify(args)
          : '{}';
    const id = call['id'];
    call['id'] =
      typeof id === 'string' && id !== ''
        ? id
        : `call_${randomText(12, 'hex')}`;
    call['type'] = 'function';
    calls.push(call as ChatToolCall);
  }
  return calls.length === 0 ? undefined : calls;
}
