import { describe, expect, it } from 'vitest';
import {
  declaredLength,
  estimateTokens,
  usedTokens,
} from './token-estimate.js';

describe('estimateTokens', () => {
  it('counts the body length over 4 plus the output cap', () => {
    expect(estimateTokens(401, { max_tokens: 50 }, 256)).toBe(101 + 50);
    expect(
      estimateTokens(40, { max_output_tokens: 7, max_tokens: 50 }, 256),
    ).toBe(10 + 7);
    expect(estimateTokens(40, { max_completion_tokens: 9 }, 256)).toBe(10 + 9);
  });

  it('assumes the default output without a cap (or with a cap that is no count)', () => {
    expect(estimateTokens(40, { input: 'x' }, 256)).toBe(10 + 256);
    expect(estimateTokens(40, { max_tokens: 'lots' }, 256)).toBe(10 + 256);
    expect(estimateTokens(40, 'not json', 0)).toBe(10);
  });

  it('measures the parsed body when no length was sent', () => {
    const body = { input: 'a'.repeat(100) };
    expect(estimateTokens(undefined, body, 0)).toBe(
      Math.ceil(JSON.stringify(body).length / 4),
    );
  });
});

describe('declaredLength', () => {
  it('reads a positive content-length, else none', () => {
    expect(declaredLength({ 'content-length': '401' })).toBe(401);
    expect(declaredLength({ 'content-length': '0' })).toBeUndefined();
    expect(declaredLength({ 'content-length': 'x' })).toBeUndefined();
    expect(declaredLength({})).toBeUndefined();
  });
});

describe('usedTokens', () => {
  it('reads total_tokens, else the sum of its parts; undefined without usage', () => {
    expect(
      usedTokens({
        prompt_tokens: 10,
        completion_tokens: 20,
        total_tokens: 33,
      }),
    ).toBe(33);
    expect(usedTokens({ prompt_tokens: 10, completion_tokens: 5 })).toBe(15);
    expect(usedTokens(undefined)).toBeUndefined();
    expect(usedTokens({})).toBeUndefined();
    expect(usedTokens(null)).toBeUndefined();
  });
});
