import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { PassThroughAccess } from './proxy-access.js';

const tenant = (models?: string[], passThrough?: string[]): Tenant => ({
  id: 'team-a',
  label: 'team-a',
  hostedMcp: true,
  limits: {},
  metadata: {},
  ...(models === undefined ? {} : { models }),
  ...(passThrough === undefined ? {} : { passThrough }),
});

const target = (name: string): UpstreamTarget => ({
  name,
  baseUrl: `http://${name}/v1`,
  apiKey: undefined,
});

/** The access of a key allowed `text-emb-*` and everything on upstream `paid`. */
const access = (upstreamName?: string): PassThroughAccess => {
  const sut = PassThroughAccess.of(
    tenant(['text-emb-*', 'paid/*']),
    target(upstreamName ?? 'default'),
    upstreamName,
  );
  if (!sut) {
    throw new Error('expected checks for a key with a model list');
  }
  return sut;
};

/** A body as the pass-through hands it over: a stream of bytes. */
const bytes = (text: string): Readable => Readable.from([Buffer.from(text)]);

const read = async (body: Readable | null): Promise<string> =>
  Buffer.concat((await body!.toArray()) as Buffer[]).toString('utf8');

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe(PassThroughAccess.name, () => {
  it('checks nothing for a caller without a model list', () => {
    expect(PassThroughAccess.of(undefined, target('d'), undefined)).toBe(
      undefined,
    );
    expect(PassThroughAccess.of(tenant(), target('d'), undefined)).toBe(
      undefined,
    );
  });

  it('sends an allowed JSON body on as the same bytes', async () => {
    const text = '{"model":"text-emb-3","input":"é"}';
    const body = await access().checkedBody(bytes(text), {
      'content-type': 'application/json',
    });
    expect(await read(body)).toBe(text);
  });

  it('refuses a JSON body with a model the key may not use, whatever its declared type', async () => {
    for (const contentType of ['application/json', 'text/plain', undefined]) {
      const error = await rejection(
        access().checkedBody(bytes('{"model":"gpt-4o"}'), {
          'content-type': contentType,
        }),
      );
      expect(error).toMatchObject({
        code: 'forbidden',
        options: { openAiCode: 'model_not_allowed', param: 'model' },
      });
    }
  });

  it('names the model on a path upstream as upstream/model', async () => {
    await expect(
      access('paid').checkedBody(bytes('{"model":"gpt-4o"}'), {}),
    ).resolves.not.toBeNull();
    await expect(
      access('cheap').checkedBody(bytes('{"model":"text-emb-3"}'), {}),
    ).rejects.toBeInstanceOf(GatewayException);
  });

  it('forwards a body without a model, or that is not JSON, unchanged', async () => {
    for (const text of ['{"input":"x"}', 'not json', '[1,2]']) {
      const body = await access().checkedBody(bytes(text), {});
      expect(await read(body)).toBe(text);
    }
    expect(await access().checkedBody(null, {})).toBeNull();
  });

  it('checks the model field of a multipart upload', async () => {
    const form = (model: string): string =>
      [
        '--XyZ',
        'Content-Disposition: form-data; name="file"; filename="model"',
        'Content-Type: audio/wav',
        '',
        'RIFF....',
        '--XyZ',
        'Content-Disposition: form-data; name="model"',
        '',
        model,
        '--XyZ--',
        '',
      ].join('\r\n');
    const headers = { 'content-type': 'multipart/form-data; boundary=XyZ' };
    const allowed = form('text-emb-small');
    expect(
      await read(await access().checkedBody(bytes(allowed), headers)),
    ).toBe(allowed);
    await expect(
      access().checkedBody(bytes(form('whisper-1')), headers),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lists only the models the key may use', () => {
    const list = {
      object: 'list',
      data: [{ id: 'text-emb-3' }, { id: 'gpt-4o' }, { name: 'no id' }],
    };
    expect(access().visibleModels(list)).toEqual({
      object: 'list',
      data: [{ id: 'text-emb-3' }],
    });
    expect(access('paid').visibleModels(list)).toEqual({
      object: 'list',
      data: [{ id: 'text-emb-3' }, { id: 'gpt-4o' }],
    });
    expect(access().visibleModels('odd')).toBe('odd');
  });

  it('answers 404 for GET /models/{id} of a model the key may not use', () => {
    expect(() =>
      access().assertModelVisible('/models/text-emb-3'),
    ).not.toThrow();
    expect(() => access().assertModelVisible('/models/gpt-4o?x=1')).toThrow(
      expect.objectContaining({
        code: 'not_found',
        options: expect.objectContaining({ openAiCode: 'model_not_found' }),
      }),
    );
    expect(() => access().assertModelVisible('/models/%E0%A4%A')).toThrow(
      GatewayException,
    );
    expect(() => access().assertModelVisible('/embeddings')).not.toThrow();
  });

  it('knows the model list path, as the upstream gets it', () => {
    expect(access().isModelList('/models')).toBe(true);
    expect(access().isModelList('/models?limit=2')).toBe(true);
    expect(access().isModelList('/models/x')).toBe(false);
    expect(access().isModelList('/modelsx')).toBe(false);
    expect(access().isModelList('/files/%2e%2e/models')).toBe(true);
  });
});

describe('PassThroughAccess of a pass_through list', () => {
  /** A key that may call embeddings and audio paths, on upstream `name` or the default one. */
  const paths = (upstreamName?: string, models?: string[]) =>
    PassThroughAccess.of(
      tenant(models, ['embeddings', 'audio/*']),
      target(upstreamName ?? 'default'),
      upstreamName,
    )!;
  const refusal = (pathAndQuery: string, upstreamName?: string): unknown => {
    try {
      paths(upstreamName).assertPathAllowed(pathAndQuery);
    } catch (caught) {
      return caught;
    }
    return undefined;
  };

  it('allows the paths it names, on any upstream, whatever the query', () => {
    for (const path of [
      '/embeddings',
      '/embeddings?x=1',
      '/audio/transcriptions',
      '/%65mbeddings',
    ]) {
      expect(refusal(path)).toBeUndefined();
      expect(refusal(path, 'paid')).toBeUndefined();
    }
  });

  it('refuses every other path with 403 path_not_allowed before any upstream call', () => {
    for (const path of ['/files', '/files/file-1/content', '/batches', '/']) {
      expect(refusal(path)).toMatchObject({
        code: 'forbidden',
        options: { openAiCode: 'path_not_allowed' },
      });
    }
    expect(refusal('/vector_stores?limit=1', 'paid')).toMatchObject({
      message: "The path '/vector_stores' is not available to this API key.",
    });
  });

  it('goes by the path the upstream gets and routes, not as written', () => {
    // Resolved by the URL parser before it is sent: `/files`.
    expect(refusal('/audio/../files')).toBeInstanceOf(GatewayException);
    expect(refusal('/audio/%2e%2e/files')).toBeInstanceOf(GatewayException);
    // Decoded by the upstream's router: a `..` or a backslash is refused.
    expect(refusal('/audio/x%2F..%2F..%2Ffiles')).toBeInstanceOf(
      GatewayException,
    );
    expect(refusal('/audio/x%5C..%5Cfiles')).toBeInstanceOf(GatewayException);
    expect(refusal('/audio/%E0%A4%A')).toBeInstanceOf(GatewayException);
  });

  it('leaves the bodies of a key without a model list unread', async () => {
    const sut = paths();
    expect(sut.checksModels).toBe(false);
    const body = bytes('{"model":"anything"}');
    expect(await sut.checkedBody(body, {})).toBe(body);
    expect(paths(undefined, ['m']).checksModels).toBe(true);
  });
});

describe('PassThroughAccess and unreadable bodies', () => {
  it('refuses a compressed body of a key with a model list, unread', async () => {
    const body = bytes('{"model":"gpt-4o"}');
    await expect(
      access().checkedBody(body, { 'content-encoding': 'gzip' }),
    ).rejects.toMatchObject({
      code: 'unsupported_media_type',
      options: { openAiCode: 'unsupported_content_encoding' },
    });
    expect(body.readableEnded).toBe(false);
    const plain = await access().checkedBody(bytes('{"model":"text-emb-1"}'), {
      'content-encoding': 'identity',
    });
    expect(await read(plain)).toBe('{"model":"text-emb-1"}');
  });

  it('refuses a JSON body it cannot read rather than forwarding it', async () => {
    const utf16 = Buffer.from('{"model":"gpt-4o"}', 'utf16le');
    await expect(
      access().checkedBody(Readable.from([utf16]), {}),
    ).rejects.toMatchObject({ code: 'invalid_json' });
  });
});
