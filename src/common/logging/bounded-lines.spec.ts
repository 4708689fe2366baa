import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BoundedLineSplitter, readBoundedLines } from './bounded-lines.js';

describe(BoundedLineSplitter.name, () => {
  it('splits chunks into lines, across chunk boundaries, without \\r', () => {
    const lines: string[] = [];
    const sut = new BoundedLineSplitter((line) => lines.push(line));
    sut.push('one\r\ntw');
    sut.push(Buffer.from('o\n\nthree'));
    sut.end();
    expect(lines).toEqual(['one', 'two', '', 'three']);
  });

  it('holds a bounded head of a huge line and reports the rest', () => {
    const lines: string[] = [];
    const sut = new BoundedLineSplitter((line) => lines.push(line), {
      maxBytes: 100,
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let held = 0;
    for (let i = 0; i < 32; i++) {
      sut.push(chunk);
      held = Math.max(held, sut.heldBytes);
    }
    sut.push('\nnext\n');
    // Never the 2 MiB line: the head plus a small margin for redaction.
    expect(held).toBeLessThanOrEqual(100 + 512);
    expect(lines).toEqual([
      `${'x'.repeat(100)}…(${32 * 64 * 1024 - 100} bytes more)`,
      'next',
    ]);
  });

  it('redacts the kept head before cutting it', () => {
    const lines: string[] = [];
    const sut = new BoundedLineSplitter((line) => lines.push(line), {
      maxBytes: 10,
      beforeCut: (text) => text.replaceAll('TOPSECRET', '[R]'),
    });
    sut.push(`abcdefgTOPSECRET${'z'.repeat(50)}\n`);
    expect(lines).toEqual(['abcdefg[R]…(56 bytes more)']);
  });
});

describe(readBoundedLines.name, () => {
  it('reads a stream to its end, last line without newline included', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    readBoundedLines(stream, (line) => lines.push(line));
    stream.end('a\nb');
    await new Promise((resolve) => stream.on('end', resolve));
    expect(lines).toEqual(['a', 'b']);
  });
});
