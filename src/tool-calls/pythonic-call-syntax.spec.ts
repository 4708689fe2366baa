import { describe, expect, it } from 'vitest';
import { parsePythonicCalls } from './pythonic-call-syntax.js';

describe(parsePythonicCalls.name, () => {
  it('reads a list of calls with Python literals', () => {
    expect(
      parsePythonicCalls(
        `[search(q='it\\'s "quoted"', limit=5, ratio=-0.5, exact=True, tags=["a", 'b'], opts={"x": None, 'y': (1, 2)}), ping()]`,
      ),
    ).toEqual([
      {
        name: 'search',
        args: {
          q: 'it\'s "quoted"',
          limit: 5,
          ratio: -0.5,
          exact: true,
          tags: ['a', 'b'],
          opts: { x: null, y: [1, 2] },
        },
      },
      { name: 'ping', args: {} },
    ]);
  });

  it('reads bare calls on separate lines and escapes', () => {
    expect(parsePythonicCalls('f(a="line\\nnext \\u00e9")\ng(b=1,)')).toEqual([
      { name: 'f', args: { a: 'line\nnext é' } },
      { name: 'g', args: { b: 1 } },
    ]);
  });

  it('rejects positional arguments, prose and unbalanced text', () => {
    for (const text of [
      '[f("x")]',
      'hello world',
      '[f(a=1)',
      'f(a=)',
      '[]',
      '[f(a=1)] trailing',
      'f(a=undefined_name)',
    ]) {
      expect(parsePythonicCalls(text), text).toBeNull();
    }
  });
});
