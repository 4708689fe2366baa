import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passThroughShortcut } from './verbatim-chunk.js';
import { learningVerdict, type Verdict } from './verbatim-template.js';

/** The pass-through's verdict without any learning: a new shortcut per payload. */
const judged = (keepsUsage: boolean) => (payload: string) =>
  passThroughShortcut(keepsUsage).frames.verdict(payload);

/** A payload as the splitter hands it to the verdict: the bytes of its JSON read as latin1. */
const latin1 = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('latin1');

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('"usage":5', '\\', '"', '","x":"', 'a"}'),
);
/** Chunks of one stream: one envelope, mostly text, sometimes anything else. */
const chunks = fc
  .record({
    id: fc.constantFrom('c1', 'c2'),
    usage: fc.constantFrom(undefined, null, { total_tokens: 1 }),
    padded: fc.boolean(),
  })
  .chain((envelope) =>
    fc
      .array(
        fc.record({
          content: fc.option(text),
          role: fc.boolean(),
          finish: fc.constantFrom(null, null, null, 'stop'),
          padding: fc.string({ maxLength: 6 }),
          usage: fc.constantFrom(envelope.usage, envelope.usage, null),
        }),
        { maxLength: 10 },
      )
      .map((parts) =>
        parts.map((part) => ({
          id: envelope.id,
          object: 'chat.completion.chunk',
          choices: [
            {
              index: 0,
              delta: {
                ...(part.role ? { role: 'assistant' } : {}),
                ...(part.content === null ? {} : { content: part.content }),
              },
              finish_reason: part.finish,
            },
          ],
          ...(part.usage === undefined ? {} : { usage: part.usage }),
          ...(envelope.padded ? { obfuscation: part.padding } : {}),
        })),
      ),
  );

describe(learningVerdict.name, () => {
  it('gives every payload of a stream the verdict the full scans give it', () => {
    fc.assert(
      fc.property(chunks, fc.boolean(), (stream, keepsUsage) => {
        const learning = learningVerdict(judged(keepsUsage));
        const verdicts: [Verdict, Verdict][] = stream.map((chunk) => {
          const payload = latin1(chunk);
          return [learning(payload), judged(keepsUsage)(payload)];
        });
        for (const [learned, full] of verdicts) {
          expect(learned).toEqual(full);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers a payload of the learned envelope without judging it', () => {
    let judgements = 0;
    const learning = learningVerdict((payload) => {
      judgements++;
      return judged(false)(payload);
    });
    const chunk = (content: string) =>
      latin1({
        id: 'c',
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
        usage: null,
        obfuscation: content.length % 2 ? 'ab' : 'abcd',
      });
    const first = learning(chunk('héllo'));
    expect(first).toEqual(judged(false)(chunk('héllo')));
    expect(Array.isArray(first)).toBe(true);
    const later = learning(chunk('a longer "quoted" text'));
    expect(later).toEqual(judged(false)(chunk('a longer "quoted" text')));
    expect(judgements).toBe(1);
  });
});
