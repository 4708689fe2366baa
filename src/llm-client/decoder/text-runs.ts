import { Observable, type OperatorFunction } from 'rxjs';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { TextDelta, TextRun, UpstreamChunk } from './stream-items.js';

/**
 * The text lane's items, with the TextDeltas read in one go joined into a
 * TextRun: every TextDelta is held until the current job's microtasks run
 * (an upstream read is parsed whole in one job, see readChatStream) or
 * until any other item, error or completion comes, which the held texts
 * go out before. Order is kept and nothing waits past the job that read it;
 * a lone TextDelta goes on as it is, as a paced model's tokens come one
 * read each. Decoded chunks go on as chunks, and a TextRun that the reader
 * made of an upstream read's texts (textDeltaShortcut's TextRunRule) as it
 * is, after what was held.
 *
 * Why: a burst of a fast server's 500 chunks was 500 trips through the
 * event machine, the driver and the SSE writer (bench/README.md, "Text
 * runs"); a run is one.
 */
export function textRuns(): OperatorFunction<
  TextDelta | TextRun | UpstreamChunk,
  TextDelta | TextRun | ChatCompletionChunk
> {
  return (items$) =>
    new Observable((subscriber) => {
      let held: string[] | undefined;
      const release = (): void => {
        const texts = held;
        if (texts === undefined) {
          return;
        }
        held = undefined;
        subscriber.next(
          texts.length === 1
            ? new TextDelta(texts[0] as string)
            : new TextRun(texts),
        );
      };
      return items$.subscribe({
        next: (item) => {
          if (item instanceof TextDelta) {
            if (held === undefined) {
              held = [item.text];
              queueMicrotask(release);
            } else {
              held.push(item.text);
            }
            return;
          }
          release();
          // A run the reader made (TextRunRule) goes on as it is.
          subscriber.next(item instanceof TextRun ? item : item.chunk);
        },
        error: (error: unknown) => {
          release();
          subscriber.error(error);
        },
        complete: () => {
          release();
          subscriber.complete();
        },
      });
    });
}
