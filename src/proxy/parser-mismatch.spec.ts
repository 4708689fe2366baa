import { describe, expect, it } from 'vitest';
import type { Tenant } from '../config/security/tenant.js';
import { upstreamUrl } from '../config/upstreams/upstream-target.js';
import { bodyModel } from './body-model.js';
import { PassThroughAccess } from './proxy-access.js';

/**
 * Bodies and paths where the gateway once read no model, or an allowed
 * one, while python-multipart (vLLM, FastAPI) or Go's encoding/json
 * (Ollama) read a forbidden one. Each is now refused or read as they do.
 */

const FORM = 'multipart/form-data; boundary=XYZ';
const MODEL_PART =
  '--XYZ\r\nContent-Disposition: form-data; name="model"\r\n\r\ngpt-expensive\r\n--XYZ--\r\n';

/** Bodies python-multipart reads as model=gpt-expensive. */
const PYTHON_READS_A_MODEL: Record<string, { ct: string; body: string }> = {
  'a close delimiter after a bare LF, then more parts': {
    ct: FORM,
    body: `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF\n--XYZ--\n\r\n${MODEL_PART}`,
  },
  'a bare LF then CRLF in the part headers': {
    ct: FORM,
    body: '--XYZ\r\nX-A: 1\n\r\nContent-Disposition: form-data; name="model"\r\n\r\ngpt-expensive\r\n--XYZ--\r\n',
  },
  'a bare LF inside the Content-Disposition value': {
    ct: FORM,
    body: '--XYZ\r\nContent-Disposition: form-data;\n name="model"\r\n\r\ngpt-expensive\r\n--XYZ--\r\n',
  },
  'an RFC 2231 continuation name*0/name*1': {
    ct: FORM,
    body: '--XYZ\r\nContent-Disposition: form-data; name*0="mo"; name*1="del"\r\n\r\ngpt-expensive\r\n--XYZ--\r\n',
  },
  "an RFC 2231 boundary*=utf-8''XYZ": {
    ct: "multipart/form-data; boundary*=utf-8''XYZ",
    body: MODEL_PART,
  },
  'a preamble before the first delimiter': {
    ct: FORM,
    body: `\nxx${MODEL_PART}`,
  },
};

const outcome = (body: string, contentType: string): unknown => {
  try {
    return bodyModel(Buffer.from(body, 'latin1'), {
      'content-type': contentType,
    });
  } catch (caught) {
    return caught;
  }
};

describe('multipart bodies that python-multipart reads differently', () => {
  for (const [name, { ct, body }] of Object.entries(PYTHON_READS_A_MODEL)) {
    it(`refuses ${name} with 400 invalid_request`, () => {
      expect(outcome(body, ct)).toMatchObject({
        code: 'invalid_request',
        message: expect.stringMatching(/strict CRLF framing|RFC 2231/),
      });
    });
  }
});

describe("JSON keys that Go's encoding/json folds onto model", () => {
  it('refuses {"model":"fake-model","MODEL":"gpt-expensive"} and a lone MODEL', () => {
    for (const body of [
      '{"model":"fake-model","MODEL":"gpt-expensive"}',
      '{"MODEL":"gpt-expensive"}',
      '{"input":"x","Model":"gpt-expensive"}',
    ]) {
      expect(outcome(body, 'application/json')).toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('differs from model only in case'),
      });
    }
  });
});

describe('form-urlencoded bodies that parsers split differently', () => {
  const form = 'application/x-www-form-urlencoded';

  it('refuses a ";", which older python-multipart splits fields on', () => {
    expect(outcome('input=x;model=gpt-expensive', form)).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('";"'),
    });
  });

  it('refuses a field named model in another case', () => {
    expect(outcome('model=a&MOD%45L=gpt-expensive', form)).toMatchObject({
      code: 'invalid_request',
    });
  });
});

describe('GET /models/{id} with dot segments', () => {
  const target = { name: 'default', baseUrl: 'http://up/v1' };
  const tenant: Tenant = {
    id: 't',
    label: 't',
    hostedMcp: true,
    limits: {},
    metadata: {},
    models: ['text-emb-*'],
  };
  const access = PassThroughAccess.of(tenant, target, undefined)!;

  it('checks the id the upstream gets, not the raw one', () => {
    const path = '/models/text-emb-x/%2e%2e/gpt-expensive';
    expect(upstreamUrl(target, path)).toBe('http://up/v1/models/gpt-expensive');
    expect(() => access.assertModelVisible(path)).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    expect(() =>
      access.assertModelVisible('/models/gpt-x/%2e%2e/text-emb-3'),
    ).not.toThrow();
  });

  it('refuses an id whose decoded form has dot segments', () => {
    expect(() =>
      access.assertModelVisible('/models/text-emb-x%2F..%2Fgpt-expensive'),
    ).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
