import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyAuthHook,
  bearerToken,
  invalidApiKeyBody,
} from './api-key-auth.hook.js';
import { TenantDirectory } from '../config/security/tenant-directory.js';
import { loadTenantKeys } from '../config/security/tenant-keys.js';
import { requestTenant } from './request-tenant.js';

describe(apiKeyAuthHook.name, () => {
  let sut: FastifyInstance;

  beforeAll(async () => {
    sut = Fastify();
    sut.addHook(
      'onRequest',
      apiKeyAuthHook(
        TenantDirectory.of(loadTenantKeys({ list: 'good-key' }).keys)!,
      ),
    );
    for (const path of ['/health', '/ready', '/metrics', '/v1/models', '/']) {
      sut.get(path, () => ({ path }));
    }
    sut.get('/whoami', (request) => ({
      tenant: requestTenant(request)?.label ?? null,
    }));
    // An encapsulated plugin, as the pass-through proxy is.
    await sut.register((scope, _options, done) => {
      scope.all('/v1/*', () => ({ proxied: true }));
      done();
    });
    await sut.ready();
  });
  afterAll(() => sut.close());

  const get = (url: string, authorization?: string) =>
    sut.inject({
      method: 'GET',
      url,
      headers: authorization ? { authorization } : {},
    });

  it('lets a request with a configured Bearer key through', async () => {
    for (const auth of [
      'Bearer good-key',
      'bearer good-key',
      'Bearer  good-key ',
    ]) {
      expect((await get('/v1/models', auth)).statusCode).toBe(200);
    }
    expect((await get('/v1/files/x', 'Bearer good-key')).json()).toEqual({
      proxied: true,
    });
  });

  it("records the key's tenant on the request it lets through", async () => {
    const response = await get('/whoami', 'Bearer good-key');
    expect(response.json()).toEqual({ tenant: 'unnamed' });
  });

  it('answers a missing or wrong key with the OpenAI 401', async () => {
    const missing = await get('/v1/models');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    // The body of a request without a key is never read: the connection closes.
    expect(missing.headers.connection).toBe('close');
    expect(missing.json()).toEqual(invalidApiKeyBody(true));
    const wrong = await get('/v1/files/x', 'Bearer bad-key');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(invalidApiKeyBody(false));
    expect(wrong.body).not.toContain('bad-key');
  });

  it('guards unknown paths and the root, not the probes and /metrics', async () => {
    expect((await get('/nowhere')).statusCode).toBe(401);
    expect((await get('/')).statusCode).toBe(401);
    for (const open of ['/health', '/ready', '/metrics?x=1']) {
      expect((await get(open)).statusCode).toBe(200);
    }
  });
});

describe(bearerToken.name, () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
