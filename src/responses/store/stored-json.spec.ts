import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunk, machine } from '../../../test/support/machine-harness.js';
import type { ResponseObject } from '../../protocol/responses.types.js';
import { storedJson } from './stored-json.js';

const text = fc.string({ unit: 'binary' });
const settings = fc.record(
  {
    instructions: text,
    metadata: fc.dictionary(fc.string(), text, { maxKeys: 3 }),
    tools: fc.array(
      fc.record({
        type: fc.constant('function'),
        name: fc.stringMatching(/^[a-z_]{1,12}$/),
        parameters: fc.jsonValue(),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);
const items = fc.array(
  fc.record({
    type: fc.constant('message'),
    role: fc.constant('user'),
    content: text,
  }),
  { maxLength: 3 },
);

/** The final Response of a turn streamed as `texts`. */
function finalResponse(
  request: Record<string, unknown>,
  texts: string[],
): ResponseObject {
  const sut = machine(request);
  sut.start();
  for (const delta of texts) {
    sut.onChunk(chunk({ content: delta }));
  }
  sut.finish();
  return sut.response;
}

describe(storedJson.name, () => {
  it('is byte for byte JSON.stringify of any stored record', () => {
    fc.assert(
      fc.property(
        settings,
        fc.array(text, { maxLength: 3 }),
        items,
        items,
        fc.option(fc.string(), { nil: undefined }),
        (request, texts, history, inputItems, owner) => {
          const record = {
            response: finalResponse(request, texts),
            history,
            inputItems,
            ...(owner === undefined ? {} : { owner }),
          };
          expect(storedJson(record)).toBe(JSON.stringify(record));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes in full a Response changed after it was built, and a record in another order', () => {
    const response = finalResponse({ instructions: 'Be brief.' }, ['Hi']);
    const changed = { response, history: [] };
    response.instructions = 'changed';
    expect(storedJson(changed)).toBe(JSON.stringify(changed));
    expect(storedJson(changed)).toContain('"instructions":"changed"');
    const reordered = { history: [], response };
    expect(storedJson(reordered)).toBe(JSON.stringify(reordered));
    const alone = { response: { ...response } };
    expect(storedJson(alone)).toBe(JSON.stringify(alone));
  });
});
