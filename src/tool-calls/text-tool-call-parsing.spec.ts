import { describe, expect, it } from 'vitest';
import {
  finishWithCalls,
  newToolCallId,
  parseContextOf,
} from './text-tool-call-parsing.js';

describe(parseContextOf.name, () => {
  it('maps each function tool to its parameters', () => {
    const parameters = { type: 'object', properties: {} };
    const sut = parseContextOf([
      { type: 'function', function: { name: 'a', parameters } },
      { type: 'function', function: { name: 'b' } },
    ]);
    expect([...sut.tools]).toEqual([
      ['a', parameters],
      ['b', undefined],
    ]);
  });

  it('skips whatever is not a well-formed function tool', () => {
    for (const tools of [
      undefined,
      'get_time',
      { length: 1 },
      [null, 7, 'x', []],
      [{ type: 'web_search' }, { type: 'function', function: null }],
      [{ type: 'function', function: { name: '' } }],
      [{ type: 'function', function: { name: 3 } }],
    ]) {
      expect(parseContextOf(tools).tools.size).toBe(0);
    }
    const odd = parseContextOf([
      { type: 'function', function: { name: 'a', parameters: 'nope' } },
    ]);
    expect(odd.tools.get('a')).toBeUndefined();
  });
});

describe(finishWithCalls.name, () => {
  it('keeps length and content_filter, else tool_calls', () => {
    expect(
      ['stop', 'length', 'content_filter', null].map(finishWithCalls),
    ).toEqual(['tool_calls', 'length', 'content_filter', 'tool_calls']);
  });
});

describe(newToolCallId.name, () => {
  it('looks like an OpenAI call id and differs each time', () => {
    const [a, b] = [newToolCallId(), newToolCallId()];
    expect(a).toMatch(/^call_[0-9a-f]{24}$/);
    expect(a).not.toBe(b);
  });
});
