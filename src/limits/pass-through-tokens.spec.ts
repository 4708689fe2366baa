import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { passThroughEstimate, settlingAnswer } from './pass-through-tokens.js';

/** A reply that has only the headers settlingAnswer reads. */
function replyWith(
  headers: Record<string, string>,
): Pick<FastifyReply, 'getHeader'> {
  return { getHeader: (name: string) => headers[name] };
}

const USAGE_ANSWER = JSON.stringify({
  object: 'list',
  data: [],
  usage: { prompt_tokens: 30, completion_tokens: 12 },
});

/** Sends `payload` through settlingAnswer; what the client got and what was settled. */
async function send(
  headers: Record<string, string>,
  payload: unknown,
  maxBytes = 1_000,
): Promise<{ sent: unknown; settled: number[] }> {
  const settle = vi.fn<(used: number) => void>();
  const out = settlingAnswer(replyWith(headers), payload, maxBytes, settle);
  const sent = out instanceof Readable ? await text(out) : out;
  return { sent, settled: settle.mock.calls.map(([used]) => used) };
}

const chunksOf = (bytes: Buffer): Readable =>
  Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]);

describe('settlingAnswer', () => {
  it("settles from a JSON answer's usage, passed on unchanged", async () => {
    const { sent, settled } = await send(
      { 'content-type': 'application/json; charset=utf-8' },
      chunksOf(Buffer.from(USAGE_ANSWER)),
    );
    expect(sent).toBe(USAGE_ANSWER);
    expect(settled).toEqual([42]);
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])('reads a %s answer, passed on compressed', async (coding, compress) => {
    const compressed = compress(Buffer.from(USAGE_ANSWER));
    const settle = vi.fn();
    const out = settlingAnswer(
      replyWith({
        'content-type': 'application/json',
        'content-encoding': coding,
      }),
      chunksOf(compressed),
      1_000,
      settle,
    ) as Readable;
    expect(Buffer.concat(await out.toArray())).toEqual(compressed);
    expect(settle).toHaveBeenCalledExactlyOnceWith(42);
  });

  it('keeps the estimate of an answer past maxBytes, also once decompressed', async () => {
    const large = await send(
      { 'content-type': 'application/json' },
      chunksOf(Buffer.from(USAGE_ANSWER)),
      USAGE_ANSWER.length - 1,
    );
    expect(large).toEqual({ sent: USAGE_ANSWER, settled: [] });
    const padded = JSON.stringify({
      pad: ' '.repeat(10_000),
      usage: { total_tokens: 5 },
    });
    const bomb = await send(
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      Readable.from([gzipSync(padded)]),
      1_000,
    );
    expect(bomb.settled).toEqual([]);
  });

  it('keeps the estimate of a stream, of an unknown coding, of an answer without usage', async () => {
    const sse = 'data: {"usage":{"total_tokens":3}}\n\n';
    expect(
      await send({ 'content-type': 'text/event-stream' }, Readable.from([sse])),
    ).toEqual({ sent: sse, settled: [] });
    const zstd = await send(
      { 'content-type': 'application/json', 'content-encoding': 'zstd' },
      Readable.from([USAGE_ANSWER]),
    );
    expect(zstd.settled).toEqual([]);
    const none = await send(
      { 'content-type': 'application/json' },
      Readable.from(['{"object":"list"}']),
    );
    expect(none.settled).toEqual([]);
  });

  it("gives the estimate back for an answer of the gateway's own", async () => {
    const error = '{"error":{"message":"no"}}';
    expect(await send({ 'content-type': 'application/json' }, error)).toEqual({
      sent: error,
      settled: [0],
    });
  });
});

describe('passThroughEstimate', () => {
  const utf16 = (text: string, order: 'le' | 'be', bom: boolean): Buffer => {
    const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
    return order === 'le' ? le : Buffer.from(le).swap16();
  };

  it('adds the output cap of a JSON object, whether or not it names a model', () => {
    const body = Buffer.from('{"model":"e","input":"hello","max_tokens":5}');
    expect(passThroughEstimate(body, 256)).toBe(Math.ceil(body.length / 4) + 5);
    const noModel = Buffer.from('{"model":null,"max_completion_tokens":7}');
    expect(passThroughEstimate(noModel, 256)).toBe(
      Math.ceil(noModel.length / 4) + 7,
    );
  });

  it.each([
    ['a UTF-8 BOM', Buffer.from('\ufeff{"max_tokens":5}')],
    ['UTF-16LE with a BOM', utf16('{"max_tokens":5}', 'le', true)],
    ['UTF-16BE with a BOM', utf16('{"max_tokens":5}', 'be', true)],
    ['UTF-16LE without one', utf16('{"max_tokens":5}', 'le', false)],
    ['UTF-16BE without one', utf16('{"max_tokens":5}', 'be', false)],
  ])('reads the cap through %s', (_name, body) => {
    expect(passThroughEstimate(body, 256)).toBe(Math.ceil(body.length / 4) + 5);
  });

  it('estimates any other body from its length and the default output', () => {
    for (const text of ['{"purpose":"x"}', 'model=e', '["model"]', '{"a"']) {
      expect(passThroughEstimate(Buffer.from(text), 256)).toBe(
        Math.ceil(text.length / 4) + 256,
      );
    }
  });
});
