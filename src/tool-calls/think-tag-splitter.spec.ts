import { describe, expect, it } from 'vitest';
import { type ThinkSegment, ThinkTagSplitter } from './think-tag-splitter.js';

function split(pieces: string[]): ThinkSegment[] {
  const sut = new ThinkTagSplitter();
  const out = [...pieces.flatMap((piece) => sut.push(piece)), ...sut.flush()];
  // Merge neighbours of the same kind: chunking must not change the result.
  return out.reduce<ThinkSegment[]>((merged, segment) => {
    const last = merged.at(-1);
    if (last?.kind === segment.kind) {
      last.text += segment.text;
    } else {
      merged.push({ ...segment });
    }
    return merged;
  }, []);
}

describe(ThinkTagSplitter.name, () => {
  it('splits a think block at the start of the content', () => {
    expect(split(['<think>\nPlan.\n</think>\n\nAnswer.'])).toEqual([
      { kind: 'reasoning', text: 'Plan.\n' },
      { kind: 'content', text: 'Answer.' },
    ]);
  });

  it('gives the same result however the text is chunked', () => {
    const text = '  <think>a < b, </thin not yet</think>Result </think> kept';
    const expected = split([text]);
    for (let size = 1; size <= 4; size++) {
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(split(pieces)).toEqual(expected);
    }
    expect(expected).toEqual([
      { kind: 'reasoning', text: 'a < b, </thin not yet' },
      { kind: 'content', text: 'Result </think> kept' },
    ]);
  });

  it('holds back only a possible partial tag', () => {
    const sut = new ThinkTagSplitter();

    expect(sut.push('<th')).toEqual([]);
    expect(sut.push('ink>abc</')).toEqual([{ kind: 'reasoning', text: 'abc' }]);
    expect(sut.push('x')).toEqual([{ kind: 'reasoning', text: '</x' }]);
  });

  it('passes content without a leading tag through untouched', () => {
    const sut = new ThinkTagSplitter();

    expect(sut.push('Hello <think>')).toEqual([
      { kind: 'content', text: 'Hello <think>' },
    ]);
    expect(sut.push('</think>')).toEqual([
      { kind: 'content', text: '</think>' },
    ]);
  });

  it('releases a held prefix as content when the stream ends', () => {
    expect(split(['<thi'])).toEqual([{ kind: 'content', text: '<thi' }]);
    expect(split(['\n'])).toEqual([{ kind: 'content', text: '\n' }]);
  });

  it('treats an unclosed think block as reasoning', () => {
    expect(split(['<think>cut off</thi'])).toEqual([
      { kind: 'reasoning', text: 'cut off</thi' },
    ]);
  });

  it('supports other tags', () => {
    const sut = new ThinkTagSplitter({
      open: '<reasoning>',
      close: '</reasoning>',
    });
    expect([...sut.push('<reasoning>r</reasoning>c'), ...sut.flush()]).toEqual([
      { kind: 'reasoning', text: 'r' },
      { kind: 'content', text: 'c' },
    ]);
  });
});
