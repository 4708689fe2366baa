import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passThroughShortcut, VerbatimChunk } from './verbatim-chunk.js';

const plain = (extra = ''): string =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"logprobs":null,"finish_reason":null}]${extra}}`;

/** True when the pass-through writes `data` verbatim. */
const accepts =
  (keepsUsage: boolean) =>
  (data: string): boolean =>
    passThroughShortcut(keepsUsage)(data) !== undefined;

describe(passThroughShortcut.name, () => {
  const keeping = accepts(true);
  const dropping = accepts(false);

  it('keeps the text it accepts as it is', () => {
    expect(passThroughShortcut(true)(plain())).toEqual(
      new VerbatimChunk(plain()),
    );
  });

  it('passes a plain content chunk verbatim', () => {
    expect(keeping(plain())).toBe(true);
    expect(dropping(plain())).toBe(true);
  });

  it.each([
    [
      'a finish_reason',
      plain().replace('"finish_reason":null', '"finish_reason":"stop"'),
    ],
    [
      'a spaced finish_reason',
      plain().replace('"finish_reason":null', '"finish_reason" : "length"'),
    ],
    ['an in-band error', '{"error":{"message":"boom"},"choices":[]}'],
    [
      'usage',
      plain(
        ',"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}',
      ),
    ],
    ['no choices array', '{"id":"c1","usage":{"total_tokens":2}}'],
    ['data spread over two lines', plain().replace('"choices"', '\n"choices"')],
    ['text that is not an object', 'not json "choices":[ }'],
    [
      'a key spelled with an escape (SGLang-style tool_calls:null, hidden)',
      plain().replace('"logprobs":null', '"tool_call\\u0073":null'),
    ],
    [
      'a finish reason whose key is spelled with an escape',
      plain().replace('"finish_reason":null', '"finish_reaso\\u006e":"stop"'),
    ],
  ])('parses a chunk with %s', (_name, data) => {
    expect(keeping(data)).toBe(false);
    expect(dropping(data)).toBe(false);
  });

  it('keeps a null usage when the client asked for usage, and cuts it from the text when not', () => {
    const withNullUsage = plain(',"usage":null');
    expect(passThroughShortcut(true)(withNullUsage)).toEqual(
      new VerbatimChunk(withNullUsage),
    );
    expect(passThroughShortcut(false)(withNullUsage)).toEqual(
      new VerbatimChunk(plain()),
    );
  });

  it('is not fooled by key names written inside the content', () => {
    const content = 'say "usage": 1, "finish_reason": "stop", "error": {}';
    const data = plain().replace('"hi"', JSON.stringify(content));
    expect(keeping(data)).toBe(true);
  });

  // The property that makes skipping JSON.parse safe: whatever the chunk,
  // accepted text never hides a field the gateway would have acted on.
  it('accepts only chunks the pass-through would forward unchanged', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const choice = fc.record(
      {
        index: fc.nat(3),
        delta: fc.record(
          { role: fc.constant('assistant'), content: text },
          { requiredKeys: [] },
        ),
        finish_reason: fc.constantFrom(null, 'stop', 'length', 'tool_calls'),
      },
      { requiredKeys: ['delta'] },
    );
    const known = fc.record(
      {
        id: text,
        choices: fc.array(choice, { maxLength: 2 }),
        usage: fc.constantFrom(null, { total_tokens: 3 }),
        error: fc.constantFrom(null, { message: 'boom' }),
      },
      { requiredKeys: [] },
    );
    // Vendor fields with any names and values, before the known ones.
    const chunk = fc
      .tuple(fc.dictionary(text, text, { maxKeys: 2 }), known)
      .map(([vendor, fields]) => ({ ...vendor, ...fields }));
    let accepted = 0;
    fc.assert(
      fc.property(
        chunk,
        fc.boolean(),
        fc.constantFrom(0, 1),
        (value, keepsUsage, space) => {
          const data = JSON.stringify(value, null, space);
          const verbatim = passThroughShortcut(keepsUsage)(data);
          if (verbatim === undefined) {
            return;
          }
          accepted += 1;
          const parsed = JSON.parse(verbatim.json) as Record<
            string,
            unknown
          > & {
            choices: { finish_reason?: unknown }[];
          };
          // What goes out is the upstream's chunk, less a dropped null usage.
          const expected = JSON.parse(data) as Record<string, unknown>;
          if (!keepsUsage) {
            delete expected['usage'];
          }
          expect(parsed).toEqual(expected);
          expect(Array.isArray(parsed.choices)).toBe(true);
          expect(parsed.error ?? null).toBeNull();
          expect(
            parsed.choices.every((c) => (c.finish_reason ?? null) === null),
          ).toBe(true);
          if (keepsUsage) {
            expect(parsed.usage ?? null).toBeNull();
          } else {
            expect('usage' in parsed).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
    // The property is not vacuous: many generated chunks were accepted.
    expect(accepted).toBeGreaterThan(40);
  });
});
