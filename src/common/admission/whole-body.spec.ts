import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readWholeBody } from './whole-body.js';

describe(readWholeBody.name, () => {
  it('returns a body of one chunk as that same buffer, not a copy', async () => {
    const bytes = Buffer.from('{"model":"m"}');
    expect(await readWholeBody(Readable.from([bytes]))).toBe(bytes);
  });

  it('joins a body of several chunks', async () => {
    const body = Readable.from([Buffer.from('{"mo'), Buffer.from('del":1}')]);
    expect((await readWholeBody(body)).toString()).toBe('{"model":1}');
  });

  it('fails as the stream fails', async () => {
    const body = new Readable({
      read() {
        this.destroy(new Error('cut'));
      },
    });
    await expect(readWholeBody(body)).rejects.toThrow('cut');
  });
});
