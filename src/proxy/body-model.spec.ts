import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assertIdentityEncoding, bodyModel } from './body-model.js';

const JSON_TYPE = { 'content-type': 'application/json' };

const modelOf = (
  body: string | Buffer,
  headers: IncomingHttpHeaders = JSON_TYPE,
) => bodyModel(typeof body === 'string' ? Buffer.from(body) : body, headers);

const failure = (read: () => unknown): unknown => {
  try {
    read();
  } catch (caught) {
    return caught;
  }
  return undefined;
};

describe(assertIdentityEncoding.name, () => {
  it('refuses a compressed body with 415, and lets an identity one through', () => {
    for (const encoding of ['gzip', 'br', 'deflate', 'identity, gzip']) {
      expect(
        failure(() => assertIdentityEncoding({ 'content-encoding': encoding })),
      ).toMatchObject({
        code: 'unsupported_media_type',
        options: { openAiCode: 'unsupported_content_encoding' },
      });
    }
    expect(() => assertIdentityEncoding({})).not.toThrow();
    expect(() =>
      assertIdentityEncoding({ 'content-encoding': ' Identity ' }),
    ).not.toThrow();
  });
});

describe(`${bodyModel.name} of JSON`, () => {
  it('reads the model after a UTF-8 BOM, as Python does', () => {
    expect(modelOf('\uFEFF{"model":"gpt-4o"}')).toBe('gpt-4o');
    expect(modelOf('\uFEFF {"model":"gpt-4o"}', {})).toBe('gpt-4o');
  });

  it('refuses UTF-16 and UTF-32 JSON, which Python would read, with invalid_json', () => {
    const json = '{"model":"gpt-4o"}';
    const utf16be = Buffer.from(json, 'utf16le').swap16();
    const utf32le = Buffer.concat(
      [...json].map((c) => Buffer.from([c.charCodeAt(0), 0, 0, 0])),
    );
    const bodies = [
      Buffer.from(json, 'utf16le'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
      utf16be,
      utf32le,
    ];
    for (const body of bodies) {
      for (const headers of [JSON_TYPE, {}, { 'content-type': 'text/plain' }]) {
        expect(failure(() => modelOf(body, headers))).toMatchObject({
          code: 'invalid_json',
        });
      }
    }
  });

  it('refuses declared or object-looking JSON that does not parse, or is not UTF-8', () => {
    const bodies: Array<[string | Buffer, Record<string, string>]> = [
      ['{"model":"gpt-4o",}', JSON_TYPE],
      ['not json', JSON_TYPE],
      ['{"model":"gpt-4o"', {}],
      ['  {model: gpt-4o}', { 'content-type': 'text/plain' }],
      [Buffer.from('{"model":"gpt-4o\xff"}', 'latin1'), JSON_TYPE],
      ['{"model":"m","x":NaN}', { 'content-type': 'application/vnd.x+json' }],
    ];
    for (const [body, headers] of bodies) {
      expect(failure(() => modelOf(body, headers))).toMatchObject({
        code: 'invalid_json',
      });
    }
  });

  it('reads no model of a body that neither is declared nor looks like JSON', () => {
    const mp4 = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d]);
    expect(modelOf(mp4, { 'content-type': 'audio/mp4' })).toBeUndefined();
    expect(modelOf('not json', {})).toBeUndefined();
    expect(modelOf('[{"model":"x"}]')).toBeUndefined();
    expect(modelOf('')).toBeUndefined();
    expect(modelOf('{"input":"x"}')).toBeUndefined();
  });

  it('refuses two top-level model keys, however they are written', () => {
    for (const body of [
      '{"model":"text-emb-3","model":"gpt-4o"}',
      '{"model":"gpt-4o", "input": 1, "mod\\u0065l" : "text-emb-3"}',
    ]) {
      expect(failure(() => modelOf(body))).toMatchObject({
        code: 'invalid_request',
        options: { param: 'model', openAiCode: 'duplicate_model' },
      });
    }
  });

  it('counts only top-level keys, not nested ones or text that looks like a key', () => {
    expect(
      modelOf(
        '{"model":"a","input":["\\"model\\":\\"b\\"",{"model":"c"}],"x":{"model":"d"}}',
      ),
    ).toBe('a');
  });

  it('refuses a model that is not a string', () => {
    for (const body of ['{"model":null}', '{"model":["a"]}', '{"model":1}']) {
      expect(failure(() => modelOf(body))).toMatchObject({
        code: 'invalid_request',
        options: { param: 'model' },
      });
    }
  });
});

describe(`${bodyModel.name} of a form-urlencoded body`, () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('reads its model field, escapes decoded', () => {
    expect(modelOf('input=x&model=gpt%2D4o', form)).toBe('gpt-4o');
    expect(modelOf('input=x', form)).toBeUndefined();
  });

  it('refuses two model fields', () => {
    expect(failure(() => modelOf('model=a&mod%65l=b', form))).toMatchObject({
      options: { openAiCode: 'duplicate_model' },
    });
  });
});
