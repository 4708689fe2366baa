import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { eventNamingOf, renameEvent, withEventNaming } from './event-naming.js';

const reasoning = {
  type: 'response.reasoning_text.delta',
  sequence_number: 3,
  delta: 'x',
};

describe(renameEvent.name, () => {
  it('keeps OpenAI names by default', () => {
    expect(renameEvent(reasoning, 'openai')).toBe(reasoning);
  });

  it('renames raw reasoning text events for Open Responses, and only those', () => {
    expect(renameEvent(reasoning, 'open-responses')).toEqual({
      ...reasoning,
      type: 'response.reasoning.delta',
    });
    expect(
      renameEvent(
        { type: 'response.reasoning_text.done', sequence_number: 4 },
        'open-responses',
      ).type,
    ).toBe('response.reasoning.done');
    const text = { type: 'response.output_text.delta', sequence_number: 5 };
    expect(renameEvent(text, 'open-responses')).toBe(text);
  });

  it('works as an operator on the event stream', async () => {
    const sut = await lastValueFrom(
      of(reasoning).pipe(withEventNaming('open-responses'), toArray()),
    );
    expect(sut.map((event) => event.type)).toEqual([
      'response.reasoning.delta',
    ]);
  });
});

describe(eventNamingOf.name, () => {
  it('takes a known header value, else the default', () => {
    expect(eventNamingOf('Open-Responses', 'openai')).toBe('open-responses');
    expect(eventNamingOf(['openai'], 'open-responses')).toBe('openai');
    expect(eventNamingOf('klingon', 'open-responses')).toBe('open-responses');
    expect(eventNamingOf(undefined, 'openai')).toBe('openai');
  });
});
