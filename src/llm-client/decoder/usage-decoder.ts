import type { ChatUsage } from '../../protocol/chat-completion.types.js';
import { type RawObject, numberOr } from './raw-fields.js';
import { isRecord } from '../../common/is-record.js';

/**
 * Usage in the gateway's one shape, from any backend's: counts that are
 * null, missing or not numbers are 0; `total_tokens` defaults to the sum;
 * reasoning tokens come from `completion_tokens_details.reasoning_tokens`
 * (OpenAI, vLLM) or a top-level `reasoning_tokens` (SGLang). Fields the
 * gateway does not read are kept. Undefined when `raw` is not an object
 * (SGLang sends `"usage":null` on every text chunk).
 */
export function decodeUsage(raw: unknown): ChatUsage | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  const prompt = numberOr(raw['prompt_tokens']) ?? 0;
  const completion = numberOr(raw['completion_tokens']) ?? 0;
  const usage: ChatUsage = {
    ...raw,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: numberOr(raw['total_tokens']) ?? prompt + completion,
  };
  const promptDetails = detailsOf(raw['prompt_tokens_details'], [
    'cached_tokens',
  ]);
  setOrDelete(usage, 'prompt_tokens_details', promptDetails);
  const completionDetails = detailsOf(raw['completion_tokens_details'], [
    'reasoning_tokens',
  ]);
  const reasoning =
    numberOr(completionDetails?.['reasoning_tokens']) ??
    numberOr(raw['reasoning_tokens']);
  setOrDelete(
    usage,
    'completion_tokens_details',
    reasoning === undefined
      ? completionDetails
      : { ...completionDetails, reasoning_tokens: reasoning },
  );
  return usage;
}

/** A details object with its read counts checked; undefined when not an object. */
function detailsOf(
  raw: unknown,
  counts: readonly string[],
): RawObject | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  const details: RawObject = { ...raw };
  for (const name of counts) {
    const value = numberOr(raw[name]);
    if (value === undefined) {
      delete details[name];
    } else {
      details[name] = value;
    }
  }
  return details;
}

function setOrDelete(
  usage: ChatUsage,
  name: 'prompt_tokens_details' | 'completion_tokens_details',
  value: RawObject | undefined,
): void {
  if (value === undefined) {
    delete usage[name];
  } else {
    usage[name] = value;
  }
}
