import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { TextDelta, TextRun, UpstreamChunk } from './stream-items.js';
import { textRuns } from './text-runs.js';

type Out = TextDelta | TextRun | ChatCompletionChunk;

/** textRuns() over a Subject, and what it has emitted so far. */
function harness() {
  const source = new Subject<TextDelta | UpstreamChunk>();
  const seen: (Out | 'complete' | { error: unknown })[] = [];
  source.pipe(textRuns()).subscribe({
    next: (item) => seen.push(item),
    error: (error: unknown) => seen.push({ error }),
    complete: () => seen.push('complete'),
  });
  return { source, seen };
}

const finishChunk = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
} as ChatCompletionChunk;

/** Texts of what was emitted: a run as its texts, a delta as its text. */
function texts(items: readonly unknown[]): unknown[] {
  return items.map((item) =>
    item instanceof TextRun
      ? item.texts
      : item instanceof TextDelta
        ? item.text
        : item,
  );
}

describe(textRuns.name, () => {
  it('joins the deltas of one job into a run, once its microtasks run', async () => {
    const { source, seen } = harness();
    source.next(new TextDelta('a'));
    source.next(new TextDelta('b'));
    source.next(new TextDelta('c'));
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(TextRun);
    expect(texts(seen)).toEqual([['a', 'b', 'c']]);
  });

  it('lets a lone delta go on as a TextDelta', async () => {
    const { source, seen } = harness();
    source.next(new TextDelta('only'));
    await Promise.resolve();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(TextDelta);
    expect(texts(seen)).toEqual(['only']);
  });

  it('sends what it holds before any other item, keeping the order', () => {
    const { source, seen } = harness();
    source.next(new TextDelta('a'));
    source.next(new TextDelta('b'));
    source.next(new UpstreamChunk(finishChunk, undefined));
    source.next(new TextDelta('c'));
    source.complete();
    expect(texts(seen)).toEqual([['a', 'b'], finishChunk, 'c', 'complete']);
  });

  it('sends what it holds before an error', () => {
    const { source, seen } = harness();
    const failure = new Error('upstream lost');
    source.next(new TextDelta('a'));
    source.next(new TextDelta('b'));
    source.error(failure);
    expect(texts(seen)).toEqual([['a', 'b'], { error: failure }]);
  });

  it('does not join deltas of different jobs', async () => {
    const { source, seen } = harness();
    source.next(new TextDelta('a'));
    await new Promise((resolve) => setImmediate(resolve));
    source.next(new TextDelta('b'));
    source.next(new TextDelta('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(texts(seen)).toEqual(['a', ['b', 'c']]);
  });

  it('emits nothing held once the subscriber has left', async () => {
    const source = new Subject<TextDelta | UpstreamChunk>();
    const seen: Out[] = [];
    const subscription = source
      .pipe(textRuns())
      .subscribe((item) => seen.push(item));
    source.next(new TextDelta('a'));
    source.next(new TextDelta('b'));
    subscription.unsubscribe();
    await Promise.resolve();
    expect(seen).toEqual([]);
  });
});
