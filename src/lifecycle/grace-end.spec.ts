import { Subject, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  endAtGraceEnd,
  failAtGraceEnd,
  gracePeriodOverError,
} from './grace-end.js';

/** Subscribes and records what arrives. */
function record<T>(events$: Observable<T>): unknown[] {
  const seen: unknown[] = [];
  events$.subscribe({
    next: (item) => seen.push(item),
    error: (error: Error) => seen.push(`error: ${error.message}`),
    complete: () => seen.push('complete'),
  });
  return seen;
}

describe(failAtGraceEnd.name, () => {
  it('passes items through, then errors with the grace-end reason and unsubscribes the source', () => {
    const graceEnd = new AbortController();
    const source = new Subject<number>();
    const seen = record(source.pipe(failAtGraceEnd(graceEnd.signal)));
    source.next(1);
    graceEnd.abort(gracePeriodOverError());
    source.next(2);
    expect(seen).toEqual([1, `error: ${gracePeriodOverError().message}`]);
    expect(source.observed).toBe(false);
  });

  it('errors at once when the grace period is already over, and stops listening when the stream ends', () => {
    const over = new AbortController();
    over.abort(gracePeriodOverError());
    const source = new Subject<number>();
    expect(record(source.pipe(failAtGraceEnd(over.signal)))).toEqual([
      expect.stringMatching(/^error: The gateway is shutting down/),
    ]);
    expect(source.observed).toBe(false);

    const graceEnd = new AbortController();
    const other = new Subject<number>();
    const seen = record(other.pipe(failAtGraceEnd(graceEnd.signal)));
    other.complete();
    graceEnd.abort(gracePeriodOverError());
    expect(seen).toEqual(['complete']);
  });
});

describe(endAtGraceEnd.name, () => {
  const finalItem = (error: Error) => `final: ${error.message}`;

  it('ends a stream that has started with a final item and completes', () => {
    const graceEnd = new AbortController();
    const source = new Subject<string>();
    const seen = record(source.pipe(endAtGraceEnd(graceEnd.signal, finalItem)));
    source.next('a');
    graceEnd.abort(gracePeriodOverError());
    expect(seen).toEqual([
      'a',
      `final: ${gracePeriodOverError().message}`,
      'complete',
    ]);
    expect(source.observed).toBe(false);
  });

  it('errors a stream that has not sent anything yet (an HTTP 503)', () => {
    const graceEnd = new AbortController();
    const source = new Subject<string>();
    const seen = record(source.pipe(endAtGraceEnd(graceEnd.signal, finalItem)));
    graceEnd.abort(gracePeriodOverError());
    expect(seen).toEqual([`error: ${gracePeriodOverError().message}`]);
    expect(gracePeriodOverError()).toMatchObject({
      code: 'service_unavailable',
    });
  });
});
