import { describe, expect, it } from 'vitest';
import { formBoundary, multipartModel } from './multipart-model.js';

/** A multipart body of `parts` (header lines, value), lines ending in `eol`. */
const form = (
  parts: Array<[string[], string]>,
  { boundary = 'XyZ', eol = '\r\n' } = {},
): Buffer =>
  Buffer.from(
    [
      ...parts.flatMap(([headers, value]) => [
        `--${boundary}`,
        ...headers,
        '',
        value,
      ]),
      `--${boundary}--`,
      '',
    ].join(eol),
  );

const disposition = (params: string): string =>
  `Content-Disposition: form-data; ${params}`;

const failure = (read: () => unknown): unknown => {
  try {
    read();
  } catch (caught) {
    return caught;
  }
  return undefined;
};

describe(multipartModel.name, () => {
  it('reads the part named model, its UTF-8 intact, and no other', () => {
    const body = form([
      [[disposition('name="file"; filename="model"')], 'RIFF....'],
      [[disposition('name=model')], 'modèle'],
    ]);
    expect(multipartModel(body, 'XyZ')).toBe('modèle');
    expect(multipartModel(form([]), 'XyZ')).toBeUndefined();
  });

  it('matches the name exactly: Model is another field', () => {
    const body = form([[[disposition('name="Model"')], 'gpt-4o']]);
    expect(multipartModel(body, 'XyZ')).toBeUndefined();
  });

  it('refuses two parts named model', () => {
    const body = form([
      [[disposition('name="model"')], 'text-emb-3'],
      [[disposition('name=model')], 'gpt-4o'],
    ]);
    expect(failure(() => multipartModel(body, 'XyZ'))).toMatchObject({
      code: 'invalid_request',
      options: { param: 'model', openAiCode: 'duplicate_model' },
    });
  });

  it('refuses an RFC 2231 name*, which only some parsers decode', () => {
    const body = form([[[disposition("name*=utf-8''mod%65l")], 'gpt-4o']]);
    expect(failure(() => multipartModel(body, 'XyZ'))).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('RFC 2231'),
    });
  });

  it('refuses parts whose lines end in LF only, which parsers split differently', () => {
    const body = form([[[disposition('name="model"')], 'gpt-4o']], {
      eol: '\n',
    });
    expect(failure(() => multipartModel(body, 'XyZ'))).toMatchObject({
      code: 'invalid_request',
    });
  });

  it('refuses framing that is not strict: text after the close, no close, padding, folding, two dispositions', () => {
    const model = 'Content-Disposition: form-data; name="model"\r\n\r\nm\r\n';
    for (const body of [
      `--XyZ\r\n${model}--XyZ--\r\nepilogue`,
      `--XyZ\r\n${model}`,
      `--XyZ \r\n${model}--XyZ--`,
      `--XyZ\r\n${model}--XyZx\r\n--XyZ--`,
      '--XyZ\r\nContent-Disposition: form-data;\r\n name="model"\r\n\r\nm\r\n--XyZ--',
      `--XyZ\r\nContent-Disposition: form-data; name="file"\r\n${model}--XyZ--`,
      '--XyZ\r\nX-A: 1\r\n--XyZ--',
    ]) {
      expect(
        failure(() => multipartModel(Buffer.from(body), 'XyZ')),
      ).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('strict CRLF framing'),
      });
    }
  });

  it('reads a strict form with a headerless part, ending with or without a CRLF', () => {
    const parts =
      '--XyZ\r\n\r\nno headers\r\n--XyZ\r\nContent-Disposition: form-data; name="model"\r\n\r\nm\r\n--XyZ--';
    expect(multipartModel(Buffer.from(parts), 'XyZ')).toBe('m');
    expect(multipartModel(Buffer.from(`${parts}\r\n`), 'XyZ')).toBe('m');
  });

  it('ends a value only at a delimiter that starts a line', () => {
    const body = form([[[disposition('name="model"')], 'gpt---XyZ-4o']]);
    expect(multipartModel(body, 'XyZ')).toBe('gpt---XyZ-4o');
  });

  it('refuses a transfer-encoded model part, and a value not in UTF-8', () => {
    const encoded = form([
      [
        [disposition('name="model"'), 'Content-Transfer-Encoding: base64'],
        'Z3B0LTRv',
      ],
    ]);
    expect(failure(() => multipartModel(encoded, 'XyZ'))).toMatchObject({
      code: 'unsupported_media_type',
    });
    const latin1 = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nmod\xe8le\r\n--b--\r\n',
      'latin1',
    );
    expect(failure(() => multipartModel(latin1, 'b'))).toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe(formBoundary.name, () => {
  it('reads the boundary of multipart/form-data only', () => {
    expect(formBoundary('multipart/form-data; boundary=XyZ')).toBe('XyZ');
    expect(formBoundary('Multipart/Form-Data;boundary="a b;c"')).toBe('a b;c');
    expect(formBoundary('multipart/form-data')).toBeUndefined();
    expect(formBoundary('application/json; boundary=x')).toBeUndefined();
  });

  it('refuses a content type naming two boundaries', () => {
    expect(
      failure(() =>
        formBoundary('multipart/form-data; boundary=a; boundary=b'),
      ),
    ).toMatchObject({ code: 'invalid_request' });
  });
});
