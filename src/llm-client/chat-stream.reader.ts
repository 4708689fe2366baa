import { GatewayException } from '../common/errors/gateway.exception.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import { ChatSseParser } from './chat-sse.parser.js';
import type { ChatCompletionChunk } from './chat-completion.types.js';
import type { ShortcutRoute } from './verbatim-chunk.js';

/** How {@link readChatStream} stopped. */
export type ChatStreamEnd = 'finished' | 'closed';

/**
 * Reads an upstream's Chat Completions SSE body, passing each chunk to
 * `onChunk` and waiting on `flow` between reads. Stops early, with
 * `'closed'`, once `isClosed()` says nobody listens any more.
 * @throws GatewayException `upstream_bad_response` when the body ends before `[DONE]` or a finish_reason.
 */
export async function readChatStream<T = never>(
  body: AsyncIterable<unknown>,
  upstreamName: string,
  onChunk: (chunk: ChatCompletionChunk) => void,
  options: {
    isClosed: () => boolean;
    flow?: FlowControl;
    /** Payloads read without JSON.parse, see ChatSseParser. */
    shortcut?: ShortcutRoute<T>;
  },
): Promise<ChatStreamEnd> {
  const parser = new ChatSseParser<T>(onChunk, upstreamName, options.shortcut);
  for await (const bytes of body) {
    ownWork(() => parser.feed(bytes as Buffer));
    if (options.isClosed()) {
      return 'closed';
    }
    await options.flow?.ready();
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
