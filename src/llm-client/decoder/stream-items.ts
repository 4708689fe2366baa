import { defer, map, type MonoTypeOperatorFunction } from 'rxjs';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';

/**
 * A decoded upstream chunk and the upstream's JSON text of it. `raw` is set
 * only while that text says exactly what the chunk says (the decoder changed
 * nothing that matters, see DecodedChunk.rewritten), so a writer may send it
 * instead of serialising the chunk again. A stage that changes a chunk hands
 * on a new pair without it (gatewayChunk, keepingUpstreamText).
 */
export class UpstreamChunk {
  constructor(
    readonly chunk: ChatCompletionChunk,
    readonly raw: string | undefined,
  ) {}
}

/**
 * The text of a plain text chunk, read through the stream's learned
 * envelope without building the chunk (textDeltaShortcut). It stands for a
 * chunk whose one choice, index 0, carries that `content` and nothing else
 * the gateway reads (see CHUNK_FIELDS).
 */
export class TextDelta {
  constructor(readonly text: string) {}
}

/**
 * The texts of consecutive plain text chunks read together (one upstream
 * read: a fast server's burst, or what waited while the gateway was busy),
 * in order: each stands for a chunk as a TextDelta does. A consumer takes
 * them in one step instead of one step per chunk (see textRuns).
 */
export class TextRun {
  constructor(readonly texts: readonly string[]) {}
}

/** A chunk the gateway built or changed: written by serialising it. */
export function gatewayChunk(chunk: ChatCompletionChunk): UpstreamChunk {
  return new UpstreamChunk(chunk, undefined);
}

/**
 * `operator` applied to the chunks of pairs: a chunk it lets through as the
 * same object, while it handles that chunk, keeps its upstream text; any
 * other chunk it emits goes on without (gatewayChunk). The text tool-call
 * rewriters re-emit an unchanged chunk at once, so plain text keeps its text.
 */
export function keepingUpstreamText(
  operator: MonoTypeOperatorFunction<ChatCompletionChunk>,
): MonoTypeOperatorFunction<UpstreamChunk> {
  return (pairs$) =>
    defer(() => {
      let current: UpstreamChunk | undefined;
      return pairs$.pipe(
        map((pair) => {
          current = pair;
          return pair.chunk;
        }),
        operator,
        map((chunk) =>
          current !== undefined && chunk === current.chunk
            ? current
            : gatewayChunk(chunk),
        ),
      );
    });
}
