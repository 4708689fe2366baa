import { Subject, type Subscription } from 'rxjs';
import { type RunHelpers, TestScheduler } from 'rxjs/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import { withPings } from './pings.js';

const start: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'm',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  },
};

const values: Record<string, AnthropicStreamEvent> = {
  s: start,
  d: {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'x' },
  },
  x: { type: 'message_stop' },
  p: { type: 'ping' },
};

/** Runs marbles; a timer that outlives its stream shows as pings up to frame 1000. */
function run(callback: (helpers: RunHelpers) => void): void {
  const testScheduler = new TestScheduler((actual, expected) =>
    expect(actual).toEqual(expected),
  );
  testScheduler.run((helpers) => {
    testScheduler.maxFrames = 1000;
    callback(helpers);
  });
}

describe(withPings.name, () => {
  it('pings every interval in which nothing else went out, from message_start to message_stop', () => {
    run(({ cold, expectObservable }) => {
      const events = cold('-- s 9ms d 29ms d 99ms x 50ms |', values);

      expectObservable(events.pipe(withPings(10))).toBe(
        '-- s 9ms d 9ms p 9ms p 9ms d 9ms p 9ms p 9ms p 9ms p 9ms p 9ms p 9ms p 9ms p 9ms p 9ms x 50ms |',
        values,
      );
    });
  });

  it('sends no ping before message_start', () => {
    run(({ cold, expectObservable }) => {
      const events = cold('100ms s 4ms x |', values);

      expectObservable(events.pipe(withPings(10))).toBe(
        '100ms s 4ms x |',
        values,
      );
    });
  });

  describe('with real timers (faked)', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** Subscribes to the pings of `events`: the types that came. */
    function watch(events: Subject<AnthropicStreamEvent>) {
      const seen: string[] = [];
      const subscription = events.pipe(withPings(10)).subscribe({
        next: (event) => seen.push(event.type),
        error: () => seen.push('error'),
      });
      return { seen, subscription };
    }

    it.each([
      [
        'the events fail',
        (events: Subject<AnthropicStreamEvent>) =>
          events.error(new Error('broke')),
      ],
      [
        'the subscriber leaves',
        (_: Subject<AnthropicStreamEvent>, s: Subscription) => s.unsubscribe(),
      ],
      [
        'message_stop went out',
        (events: Subject<AnthropicStreamEvent>) => events.next(values['x']!),
      ],
    ])('leaves no timer behind once %s', (_, end) => {
      const events = new Subject<AnthropicStreamEvent>();
      const { seen, subscription } = watch(events);
      events.next(start);
      vi.advanceTimersByTime(25);
      expect(vi.getTimerCount()).toBe(1);

      end(events, subscription);

      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(100);
      expect(seen.filter((type) => type === 'ping')).toEqual(['ping', 'ping']);
    });
  });

  it('keeps pinging while the events stay silent after message_start', () => {
    run(({ cold, expectObservable }) => {
      const silent = cold('s', values);

      expectObservable(silent.pipe(withPings(10)), '^ 35ms !').toBe(
        's 9ms p 9ms p 9ms p',
        values,
      );
    });
  });
});
