import { afterEach, describe, expect, it } from 'vitest';
import { jsonText } from '../../common/json/json-text.js';
import type { ResponseTool } from '../../protocol/responses.types.js';
import { forgetInternedTools, internedTools } from './interned-tools.js';

/** A coding agent's tools, built anew for each request as a parse would. */
function agentTools(description = 'Searches files.'): ResponseTool[] {
  return ['grep_files', 'read_file', 'apply_patch'].map((name) => ({
    type: 'function',
    name,
    description,
    strict: false,
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'x'.repeat(300) } },
      required: ['path'],
    },
  }));
}

afterEach(forgetInternedTools);

describe(internedTools.name, () => {
  it('gives an equal list of the same caller the same frozen copy, written as JSON.stringify writes it', () => {
    const first = agentTools();
    const interned = internedTools(first, 'team-a');
    expect(interned).not.toBe(first);
    expect(interned).toEqual(first);
    expect(internedTools(agentTools(), 'team-a')).toBe(interned);
    expect(Object.isFrozen(interned)).toBe(true);
    expect(Object.isFrozen(interned[0])).toBe(true);
    expect(
      Object.isFrozen(
        (interned[0] as unknown as { parameters: object }).parameters,
      ),
    ).toBe(true);
    expect(jsonText({ tools: interned })).toBe(
      JSON.stringify({ tools: first }),
    );
  });

  it("shares nothing with the request's own objects", () => {
    const request = agentTools();
    const interned = internedTools(request, 'team-a');
    (
      request[0] as unknown as { parameters: { type: string } }
    ).parameters.type = 'changed';
    expect(JSON.stringify(interned)).not.toContain('changed');
  });

  it("keeps callers' lists apart", () => {
    const a = internedTools(agentTools(), 'team-a');
    const b = internedTools(agentTools(), 'team-b');
    expect(b).not.toBe(a);
    expect(internedTools(agentTools(), 'team-a')).toBe(a);
    expect(internedTools(agentTools(), 'team-b')).toBe(b);
  });

  it('copies a list that changed, with its own JSON, and keeps that one', () => {
    const before = internedTools(agentTools(), 'team-a');
    const changed = agentTools('Searches files fast.');
    const after = internedTools(changed, 'team-a');
    expect(after).not.toBe(before);
    expect(jsonText({ tools: after })).toBe(JSON.stringify({ tools: changed }));
    expect(internedTools(agentTools('Searches files fast.'), 'team-a')).toBe(
      after,
    );
  });

  it('holds a bounded number of lists, the least recently used leaving first', () => {
    const first = internedTools(agentTools(), 'caller-0');
    for (let caller = 1; caller <= 64; caller++) {
      internedTools(agentTools(), `caller-${caller}`);
    }
    expect(internedTools(agentTools(), 'caller-64')).toBe(
      internedTools(agentTools(), 'caller-64'),
    );
    expect(internedTools(agentTools(), 'caller-0')).not.toBe(first);
  });

  it('holds a bounded amount of JSON, the least recently used leaving first', () => {
    // Three tools of ~60 KB each: ~180 KB a list, six of them past the 1 MiB cap.
    const big = () => agentTools('z'.repeat(60 * 1024));
    const first = internedTools(big(), 'caller-0');
    expect(internedTools(big(), 'caller-0')).toBe(first);
    for (let caller = 1; caller <= 5; caller++) {
      internedTools(big(), `caller-${caller}`);
    }
    expect(internedTools(big(), 'caller-5')).toBe(
      internedTools(big(), 'caller-5'),
    );
    expect(internedTools(big(), 'caller-0')).not.toBe(first);
  });

  it('copies a list too long to hold for its Response alone', () => {
    const long = agentTools('y'.repeat(256 * 1024));
    const once = internedTools(long, 'team-a');
    expect(once).toEqual(long);
    expect(
      internedTools(agentTools('y'.repeat(256 * 1024)), 'team-a'),
    ).not.toBe(once);
  });

  it("keys a list by its tools' names only when they are strings (a hosted tool's name is not checked)", () => {
    const odd = [
      { type: 'web_search', name: { toString: null } },
      { type: 'web_search', name: 7 },
    ] as unknown as ResponseTool[];
    const interned = internedTools(odd, 'team-a');
    expect(JSON.stringify(interned)).toBe(JSON.stringify(odd));
    expect(
      internedTools(
        [
          { type: 'web_search', name: { toString: null } },
          { type: 'web_search', name: 7 },
        ] as unknown as ResponseTool[],
        'team-a',
      ),
    ).toBe(interned);
  });

  it('gives no tools as a new empty list', () => {
    expect(internedTools([], 'team-a')).toEqual([]);
    expect(internedTools([], 'team-a')).not.toBe(internedTools([], 'team-a'));
  });
});
