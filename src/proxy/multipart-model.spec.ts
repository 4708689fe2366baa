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

  it('refuses two parts named model, by name or by name*', () => {
    for (const second of ['name="model"', "name*=utf-8''mod%65l"]) {
      const body = form([
        [[disposition('name="model"')], 'text-emb-3'],
        [[disposition(second)], 'gpt-4o'],
      ]);
      expect(failure(() => multipartModel(body, 'XyZ'))).toMatchObject({
        code: 'invalid_request',
        options: { param: 'model', openAiCode: 'duplicate_model' },
      });
    }
  });

  it('finds parts whose lines end in LF only, as lenient parsers do', () => {
    const body = form([[[disposition('name="model"')], 'gpt-4o']], {
      eol: '\n',
    });
    expect(multipartModel(body, 'XyZ')).toBe('gpt-4o');
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
