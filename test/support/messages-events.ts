import type Anthropic from '@anthropic-ai/sdk';
import type { StreamEvent } from './messages-sdk.js';

/*
 * The shape of each Messages stream event, written from the official SDK's
 * types (@anthropic-ai/sdk resources/messages/messages.d.ts: the
 * RawMessageStreamEvent union, Message, Usage, MessageDeltaUsage, the
 * content blocks and deltas). Fields the SDK types as `X | null` for things
 * the gateway never has (container, diagnostics, stop_details, citations,
 * server_tool_use…) may be absent: the SDK's accumulation reads an absent
 * one as null. Every other field must be there, with its type.
 */

type Problems = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isIndex = (value: unknown): boolean =>
  Number.isInteger(value) && (value as number) >= 0;
const isCount = isIndex;
const absentOrNull = (value: unknown): boolean =>
  value === undefined || value === null;

const STOP_REASONS: readonly (Anthropic.StopReason | null)[] = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
  null,
];

function check(problems: Problems, ok: boolean, what: string): void {
  if (!ok) {
    problems.push(what);
  }
}

function usageProblems(usage: unknown, where: string): Problems {
  const problems: Problems = [];
  if (!isRecord(usage)) {
    return [`${where} is not an object`];
  }
  check(problems, isCount(usage['input_tokens']), `${where}.input_tokens`);
  check(problems, isCount(usage['output_tokens']), `${where}.output_tokens`);
  for (const key of [
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ]) {
    check(
      problems,
      usage[key] === null || isCount(usage[key]),
      `${where}.${key} is a count or null`,
    );
  }
  for (const key of [
    'cache_creation',
    'output_tokens_details',
    'server_tool_use',
    'inference_geo',
  ]) {
    check(problems, absentOrNull(usage[key]), `${where}.${key} is null`);
  }
  return problems;
}

function messageStartProblems(message: unknown): Problems {
  if (!isRecord(message)) {
    return ['message is not an object'];
  }
  const problems: Problems = [];
  check(problems, typeof message['id'] === 'string', 'message.id');
  check(problems, message['type'] === 'message', "message.type 'message'");
  check(problems, message['role'] === 'assistant', "message.role 'assistant'");
  check(problems, typeof message['model'] === 'string', 'message.model');
  check(
    problems,
    Array.isArray(message['content']) &&
      (message['content'] as unknown[]).length === 0,
    'message.content is [] at the start',
  );
  check(problems, message['stop_reason'] === null, 'stop_reason null');
  check(problems, message['stop_sequence'] === null, 'stop_sequence null');
  for (const key of ['container', 'diagnostics', 'stop_details']) {
    check(problems, absentOrNull(message[key]), `message.${key} is null`);
  }
  return [...problems, ...usageProblems(message['usage'], 'message.usage')];
}

function contentBlockProblems(block: unknown): Problems {
  if (!isRecord(block)) {
    return ['content_block is not an object'];
  }
  const problems: Problems = [];
  switch (block['type']) {
    case 'text':
      check(problems, typeof block['text'] === 'string', 'text.text');
      check(
        problems,
        absentOrNull(block['citations']) || Array.isArray(block['citations']),
        'text.citations',
      );
      break;
    case 'thinking':
      check(problems, typeof block['thinking'] === 'string', 'thinking');
      check(problems, typeof block['signature'] === 'string', 'signature');
      break;
    case 'tool_use':
      check(
        problems,
        typeof block['id'] === 'string' && /^toolu_/.test(block['id']),
        'tool_use.id is toolu_…',
      );
      check(problems, typeof block['name'] === 'string', 'tool_use.name');
      check(problems, isRecord(block['input']), 'tool_use.input object');
      check(
        problems,
        block['caller'] === undefined || isRecord(block['caller']),
        'tool_use.caller',
      );
      break;
    default:
      problems.push(`content_block.type ${String(block['type'])}`);
  }
  return problems;
}

const DELTA_FIELD: Record<string, string> = {
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
  signature_delta: 'signature',
};

function deltaProblems(delta: unknown): Problems {
  if (!isRecord(delta)) {
    return ['delta is not an object'];
  }
  const field = DELTA_FIELD[String(delta['type'])];
  if (field === undefined) {
    return [`delta.type ${String(delta['type'])}`];
  }
  return typeof delta[field] === 'string' ? [] : [`delta.${field}`];
}

function messageDeltaProblems(event: Record<string, unknown>): Problems {
  const delta = event['delta'];
  const usage = event['usage'];
  if (!isRecord(delta) || !isRecord(usage)) {
    return ['message_delta.delta and .usage are objects'];
  }
  const problems: Problems = [];
  check(
    problems,
    STOP_REASONS.includes(delta['stop_reason'] as Anthropic.StopReason),
    `stop_reason ${String(delta['stop_reason'])}`,
  );
  check(
    problems,
    delta['stop_sequence'] === null ||
      typeof delta['stop_sequence'] === 'string',
    'stop_sequence',
  );
  for (const key of ['container', 'stop_details']) {
    check(problems, absentOrNull(delta[key]), `delta.${key} is null`);
  }
  check(problems, isCount(usage['output_tokens']), 'usage.output_tokens');
  for (const key of [
    'input_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ]) {
    check(
      problems,
      absentOrNull(usage[key]) || isCount(usage[key]),
      `usage.${key}`,
    );
  }
  for (const key of ['output_tokens_details', 'server_tool_use']) {
    check(problems, absentOrNull(usage[key]), `usage.${key} is null`);
  }
  return problems;
}

/** What keeps `value` from being one of the SDK's RawMessageStreamEvent. */
export function streamEventProblems(value: unknown): Problems {
  if (!isRecord(value)) {
    return ['not an object'];
  }
  const indexed = (more: Problems): Problems =>
    isIndex(value['index']) ? more : ['index', ...more];
  switch (value['type']) {
    case 'message_start':
      return messageStartProblems(value['message']);
    case 'content_block_start':
      return indexed(contentBlockProblems(value['content_block']));
    case 'content_block_delta':
      return indexed(deltaProblems(value['delta']));
    case 'content_block_stop':
      return indexed([]);
    case 'message_delta':
      return messageDeltaProblems(value);
    case 'message_stop':
      return [];
    default:
      return [`type ${String(value['type'])}`];
  }
}

/** The type guard: `value` is one of the SDK's RawMessageStreamEvent. */
export function isRawMessageStreamEvent(value: unknown): value is StreamEvent {
  return streamEventProblems(value).length === 0;
}
