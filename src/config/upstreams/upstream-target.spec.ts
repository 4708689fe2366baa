import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import {
  pathBelowVersion,
  upstreamUrl,
  type UpstreamTarget,
} from './upstream-target.js';

const target: UpstreamTarget = {
  name: 'default',
  baseUrl: 'http://upstream:8000/v1',
};

describe(upstreamUrl.name, () => {
  it('joins a path below the version onto the base URL', () => {
    expect(upstreamUrl(target, '/chat/completions')).toBe(
      'http://upstream:8000/v1/chat/completions',
    );
  });

  it('keeps the query string untouched', () => {
    expect(upstreamUrl(target, '/models?limit=2&x=a%20b')).toBe(
      'http://upstream:8000/v1/models?limit=2&x=a%20b',
    );
  });

  it('adds the missing slash', () => {
    expect(upstreamUrl(target, 'models')).toBe(
      'http://upstream:8000/v1/models',
    );
  });

  it.each([
    '/../admin',
    '/../../admin',
    '/%2e%2e/admin',
    '/.%2E/admin',
    '/..\\admin',
    '/files/../../admin',
  ])('refuses %s, which would leave the base path', (path) => {
    expect(() => upstreamUrl(target, path)).toThrow(GatewayException);
    expect(() => upstreamUrl(target, path)).toThrow(/dot segments/);
  });

  it.each([
    ['//evil.com/x', 'http://upstream:8000/v1//evil.com/x'],
    ['/@evil.com/x', 'http://upstream:8000/v1/@evil.com/x'],
    ['/..%2f..%2fadmin', 'http://upstream:8000/v1/..%2f..%2fadmin'],
    ['/files/../models', 'http://upstream:8000/v1/models'],
    ['/\\evil.com/x', 'http://upstream:8000/v1//evil.com/x'],
  ])('keeps %s on the upstream host and below its path', (path, url) => {
    expect(upstreamUrl(target, path)).toBe(url);
  });

  it('works for a base URL with another version segment', () => {
    expect(
      upstreamUrl(
        { name: 'g', baseUrl: 'https://host/api/openai/v2' },
        '/models',
      ),
    ).toBe('https://host/api/openai/v2/models');
  });
});

describe(pathBelowVersion.name, () => {
  it('strips the gateway /v1 prefix', () => {
    expect(pathBelowVersion('/v1/models')).toBe('/models');
    expect(pathBelowVersion('/v1/files/abc/content?x=1')).toBe(
      '/files/abc/content?x=1',
    );
  });

  it('never yields an empty path', () => {
    expect(pathBelowVersion('/v1')).toBe('/');
  });

  it('keeps a query directly after /v1', () => {
    expect(pathBelowVersion('/v1?x=1')).toBe('?x=1');
  });

  it('leaves segments that only start with v1 alone', () => {
    expect(pathBelowVersion('/v10/models')).toBe('/v10/models');
    expect(pathBelowVersion('/v1beta/models')).toBe('/v1beta/models');
  });

  it('reads a request target in absolute form by its path and query only', () => {
    expect(pathBelowVersion('http://evil.example/v1/models?x=1')).toBe(
      '/models?x=1',
    );
    expect(pathBelowVersion('https://u:p@evil.example:8443/v1')).toBe('/');
  });

  it('strips the prefix once, never a /v1 further down', () => {
    expect(pathBelowVersion('/v1/v1/models')).toBe('/v1/models');
  });

  it('never yields /v1/v1 once joined onto the base URL', () => {
    expect(upstreamUrl(target, pathBelowVersion('/v1/models'))).toBe(
      'http://upstream:8000/v1/models',
    );
  });
});
