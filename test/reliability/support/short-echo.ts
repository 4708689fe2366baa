import { isRecord } from '../../../src/common/is-record.js';
import { completion, textStream } from '../../support/chat-chunks.js';
import type {
  FakeReply,
  RecordedRequest,
} from '../../support/fake-upstream.js';

/** Longest echo the upstream sends back, so a multi-MB input is not streamed back 8 bytes at a time. */
const ECHO_CHARS = 64;

/**
 * The FakeUpstream's default echo (the last user message, in pieces of 8
 * characters when streamed), cut to 64 characters, and robust against any
 * `messages`: chat completions forward messages unchecked, and a real
 * upstream answers what it cannot read with a 400, as this one does.
 */
export function shortEcho(record: RecordedRequest): FakeReply {
  const body: unknown = record.body;
  const messages = isRecord(body) ? body.messages : undefined;
  if (!Array.isArray(messages) || !messages.every(isRecord)) {
    return {
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: "Invalid 'messages'.",
          type: 'invalid_request_error',
          param: 'messages',
          code: null,
        },
      },
    };
  }
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = last?.content ?? '';
  const text =
    `echo: ${typeof content === 'string' ? content : JSON.stringify(content)}`.slice(
      0,
      ECHO_CHARS,
    );
  if (isRecord(body) && body.stream === true) {
    return {
      kind: 'stream',
      chunks: textStream(text.match(/.{1,8}/gs) ?? [text]),
    };
  }
  return { kind: 'json', body: completion({ content: text, refusal: null }) };
}
