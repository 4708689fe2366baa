import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toolUseIdFor, upstreamToolCallId } from './tool-use-ids.js';

// Printable ASCII without spaces, as upstream tool call ids are.
const upstreamId = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
const ISSUED = /^toolu_[A-Za-z0-9_-]*_[A-Za-z0-9]{8}$/;

describe(toolUseIdFor.name, () => {
  it('writes toolu_, the upstream id in base64url, then _ and 8 base62 characters', () => {
    const id = toolUseIdFor('functions.Bash:0');

    expect(id).toMatch(/^toolu_ZnVuY3Rpb25zLkJhc2g6MA_[A-Za-z0-9]{8}$/);
  });

  it('gives one upstream id a different tool_use id each time', () => {
    const ids = Array.from({ length: 50 }, () =>
      toolUseIdFor('functions.Bash:0'),
    );

    expect(new Set(ids).size).toBe(ids.length);
  });

  it('maps every upstream id to an Anthropic-shaped id and back', () => {
    fc.assert(
      fc.property(upstreamId, (id) => {
        const toolUseId = toolUseIdFor(id);

        expect(toolUseId).toMatch(ISSUED);
        expect(upstreamToolCallId(toolUseId)).toBe(id);
      }),
    );
  });
});

describe(upstreamToolCallId.name, () => {
  it.each([
    ['toolu_Y2FsbF9hYmM', 'call_abc'],
    ['toolu_ZnVuY3Rpb25zLkJhc2g6MA', 'functions.Bash:0'],
  ])('maps %s, issued before the random suffix, back to %s', (id, upstream) => {
    expect(upstreamToolCallId(id)).toBe(upstream);
  });

  it('maps an id in the old form back, whatever the upstream id', () => {
    fc.assert(
      fc.property(upstreamId, (id) => {
        const old = `toolu_${Buffer.from(id).toString('base64url')}`;
        fc.pre(!/_[A-Za-z0-9]{8}$/.test(old));

        expect(upstreamToolCallId(old)).toBe(id);
      }),
    );
  });

  it.each([
    'toolu_01A09q90qw90lq917835lq9',
    'toolu_',
    'toolu_!!',
    'toolu_AA_abcdefgh',
    'toolu_Y2FsbF9hYmM_abc',
    'call_1',
    'functions.Bash:0',
  ])('passes a client id %s through as it is', (id) => {
    expect(upstreamToolCallId(id)).toBe(id);
  });

  it('maps any id the same way each time, so both sides of a call match', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), upstreamId.map(toolUseIdFor)), (id) => {
        expect(upstreamToolCallId(id)).toBe(upstreamToolCallId(id));
      }),
    );
  });
});
