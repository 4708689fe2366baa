import { GatewayException } from '../common/errors/gateway.exception.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import { ChatSseParser, type ParsedChunkListener } from './chat-sse.parser.js';
import {
  tooLargeException,
  type UpstreamSizeLimits,
} from './upstream-limits.js';
import type { ShortcutRoute } from './decoder/verbatim-chunk.js';

/** How {@link readChatStream} stopped. */
export type ChatStreamEnd = 'finished' | 'closed';

/**
 * Reads an upstream's Chat Completions SSE body, passing each chunk to
 * `onChunk` and waiting on `flow` between reads. Stops early, with
 * `'closed'`, once `isClosed()` says nobody listens any more.
 * @throws GatewayException `upstream_bad_response` when the body ends before
 * `[DONE]` or a finish_reason, or when one event or the whole answer grows
 * past `limits`: as soon as it does, so no more of it is read.
 */
export async function readChatStream<T = never>(
  body: AsyncIterable<unknown>,
  upstreamName: string,
  onChunk: ParsedChunkListener,
  options: {
    isClosed: () => boolean;
    flow?: FlowControl;
    /** Payloads read without JSON.parse, see ChatSseParser. */
    shortcut?: ShortcutRoute<T>;
    limits?: Pick<UpstreamSizeLimits, 'maxEventBytes' | 'maxAnswerBytes'>;
    /**
     * Told after a read that completed an event, and after a wait for the
     * client (flow): the stream moved on. SSE comments alone do not count.
     */
    onProgress?: () => void;
  },
): Promise<ChatStreamEnd> {
  const parser = new ChatSseParser<T>(
    onChunk,
    upstreamName,
    options.shortcut,
    options.limits?.maxEventBytes,
  );
  const maxAnswerBytes = options.limits?.maxAnswerBytes ?? Infinity;
  let answerBytes = 0;
  for await (const bytes of body) {
    const buffer = bytes as Buffer;
    answerBytes += buffer.length;
    if (answerBytes > maxAnswerBytes) {
      throw tooLargeException(upstreamName, 'answer', maxAnswerBytes);
    }
    const eventsBefore = parser.eventCount;
    ownWork(() => parser.feed(buffer));
    if (parser.eventCount !== eventsBefore) {
      options.onProgress?.();
    }
    if (options.isClosed()) {
      return 'closed';
    }
    const wait = options.flow?.ready();
    await wait;
    if (wait !== undefined) {
      // Time spent waiting for a slow client is not upstream silence.
      options.onProgress?.();
    }
  }
  ownWork(() => parser.end());
  if (!parser.sawDone && !parser.sawFinish) {
    throw new GatewayException(
      'upstream_bad_response',
      `The upstream '${upstreamName}' ended the stream before it finished.`,
      { openAiCode: 'upstream_bad_response' },
    );
  }
  return 'finished';
}

/**
 * Runs the gateway's own reading of the bytes. What it throws is the
 * gateway's (a bad stream, or a bug: `internal`), never a transport failure
 * towards the upstream, which is what anything else thrown while the body is
 * read would be taken for.
 */
function ownWork(work: () => void): void {
  try {
    work();
  } catch (error) {
    throw error instanceof GatewayException
      ? error
      : new GatewayException(
          'internal',
          'The gateway failed to read the upstream stream.',
          { cause: error },
        );
  }
}
