import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../common/is-record.js';

/** The fields a request may cap its output with (Responses, then Chat Completions). */
const OUTPUT_CAPS = [
  'max_output_tokens',
  'max_completion_tokens',
  'max_tokens',
] as const;

/** Characters per token of the estimate (OpenAI's rule of thumb for English). */
const CHARACTERS_PER_TOKEN = 4;

/** The body length a request declares (`content-length`), if it declares one. */
export function declaredLength(
  headers: IncomingHttpHeaders,
): number | undefined {
  const declared = Number(headers['content-length']);
  return Number.isSafeInteger(declared) && declared > 0 ? declared : undefined;
}

/**
 * The tokens a model request is assumed to use before its answer tells:
 * its body's length (`bodyLength` bytes as sent, else the parsed body's
 * JSON) over 4, plus its output cap, or `defaultOutputTokens` when it sets
 * none. Only a guess for the check before the call: the upstream's usage
 * replaces it once the call ends. History a request refers to
 * (previous_response_id) is not in its body, so it is counted only then.
 */
export function estimateTokens(
  bodyLength: number | undefined,
  body: unknown,
  defaultOutputTokens: number,
): number {
  const characters = bodyLength ?? (JSON.stringify(body) ?? '').length;
  const estimate =
    Math.ceil(characters / CHARACTERS_PER_TOKEN) +
    (outputCap(body) ?? defaultOutputTokens);
  return Math.min(estimate, Number.MAX_SAFE_INTEGER);
}

function outputCap(body: unknown): number | undefined {
  if (!isRecord(body)) {
    return undefined;
  }
  for (const field of OUTPUT_CAPS) {
    const cap = body[field];
    if (isCount(cap)) {
      return Math.ceil(cap);
    }
  }
  return undefined;
}

/**
 * The tokens an upstream reported a call used (its ChatUsage, as the
 * upstream wrote it: any field may be missing); undefined when it reported none.
 */
export function usedTokens(usage: unknown): number | undefined {
  if (!isRecord(usage)) {
    return undefined;
  }
  const { total_tokens: total, prompt_tokens, completion_tokens } = usage;
  if (isCount(total)) {
    return Math.ceil(total);
  }
  if (isCount(prompt_tokens) || isCount(completion_tokens)) {
    return (
      Math.ceil(isCount(prompt_tokens) ? prompt_tokens : 0) +
      Math.ceil(isCount(completion_tokens) ? completion_tokens : 0)
    );
  }
  return undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
