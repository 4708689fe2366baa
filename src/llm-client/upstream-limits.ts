import { GatewayException } from '../common/errors/gateway.exception.js';

/**
 * How much of an upstream's answer the gateway reads. An upstream is trusted
 * to speak Chat Completions, not to be small: without these, one 200 MiB SSE
 * line or a 300 MiB body would be held in memory whole, for one request, at
 * the expense of every other.
 */
export interface UpstreamSizeLimits {
  /** UPSTREAM_MAX_EVENT_BYTES: one SSE event, while it is still incomplete. */
  maxEventBytes: number;
  /** UPSTREAM_MAX_BODY_BYTES: a non-streamed body. */
  maxBodyBytes: number;
  /** UPSTREAM_MAX_ANSWER_BYTES: every byte of one streamed answer. */
  maxAnswerBytes: number;
}

/** What grew past its limit, and the setting that sets it. */
const OVERSIZED = {
  event: ['a stream event', 'UPSTREAM_MAX_EVENT_BYTES'],
  body: ['an answer', 'UPSTREAM_MAX_BODY_BYTES'],
  answer: ['a streamed answer', 'UPSTREAM_MAX_ANSWER_BYTES'],
} as const;

/**
 * The 502 for an upstream answer over a size limit. It names the setting, so
 * the operator knows what to raise; no byte of the answer is quoted.
 */
export function tooLargeException(
  upstreamName: string,
  what: keyof typeof OVERSIZED,
  limitBytes: number,
): GatewayException {
  const [subject, setting] = OVERSIZED[what];
  return new GatewayException(
    'upstream_bad_response',
    `The upstream '${upstreamName}' sent ${subject} larger than ${sizeText(limitBytes)} (${setting}).`,
    { openAiCode: 'upstream_bad_response' },
  );
}

/** A byte count as people write it: `8 MiB`, `64 KiB`, `1500 bytes`. */
function sizeText(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) {
      return `${bytes / size} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
