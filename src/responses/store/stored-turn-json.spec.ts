import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  machine,
  weatherTools,
} from '../../../test/support/machine-harness.js';
import { namedFrame } from '../../common/sse/sse-writer.js';
import type {
  ResponseInputItem,
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { lifecycleEventJson, responseJson } from '../core/response-json.js';
import { ResponsesSseFormat } from '../responses-sse.format.js';
import { storedTurnJson } from './stored-turn-json.js';

// Text with what JSON escapes, and long enough (≥ 256) to take jsonText's own path.
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', minLength: 256, maxLength: 600 }),
);
const items = fc.array(
  fc.record({
    type: fc.constant('message'),
    role: fc.constantFrom('user', 'assistant'),
    content: anyText,
  }),
  { maxLength: 3 },
) as fc.Arbitrary<ResponseInputItem[]>;

/** The terminal event of a stream of `texts`, and the machine's final Response. */
function finished(texts: string[]): {
  terminal: ResponseStreamEvent;
  response: ResponseObject;
} {
  const sut = machine({ instructions: 'Be brief.', tools: weatherTools });
  sut.start();
  for (const text of texts) {
    sut.onChunk(chunk({ content: text }));
  }
  const terminal = sut.finish().at(-1)!;
  return { terminal, response: sut.response };
}

function finalResponse(texts: string[]): ResponseObject {
  return finished(texts).response;
}

describe('storedTurnJson', () => {
  it('is JSON.stringify of the turn, for any response, history, items and owner', () => {
    fc.assert(
      fc.property(
        fc.array(anyText, { maxLength: 4 }),
        items,
        items,
        fc.option(fc.string(), { nil: undefined }),
        fc.boolean(),
        (texts, history, inputItems, owner, responseFirst) => {
          const { terminal, response } = finished(texts);
          const turn = responseFirst
            ? { response, history, inputItems, ...(owner && { owner }) }
            : { history, response, inputItems, ...(owner && { owner }) };
          expect(storedTurnJson(turn)).toBe(JSON.stringify(turn));
          // The terminal event, written after the store's save, carries
          // that Response: still framed by responseJson, byte for byte.
          expect(terminal['response']).toBe(response);
          expect(lifecycleEventJson(terminal)).toBe(JSON.stringify(terminal));
          expect(new ResponsesSseFormat().frame(terminal)).toBe(
            namedFrame(terminal.type, terminal),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('responseJson of final Responses', () => {
  it('gives each its own text when many are written in turn, twice', () => {
    const responses = Array.from({ length: 7 }, (_, at) =>
      finalResponse(['x'.repeat(300 + at), ` answer ${at}`]),
    );
    for (const round of [1, 2]) {
      for (const response of responses) {
        expect(responseJson(response), `round ${round}`).toBe(
          JSON.stringify(response),
        );
      }
    }
    for (const response of [...responses].reverse()) {
      expect(responseJson(response)).toBe(JSON.stringify(response));
    }
  });
});
