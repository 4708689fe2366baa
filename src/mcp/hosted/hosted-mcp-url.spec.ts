import { describe, expect, it, vi } from 'vitest';
import {
  allowlistedFetch,
  isAllowedServerUrl,
  normalizedPath,
} from './hosted-mcp-url.js';

const allowed = ['https://mcp.example.com/tools/', 'http://127.0.0.1:9000'];

describe(isAllowedServerUrl.name, () => {
  it.each([
    ['https://mcp.example.com/tools/mcp', true],
    ['http://127.0.0.1:9000/anything', true],
    ['https://mcp.example.com/other/mcp', false],
    ['http://127.0.0.1:90001/mcp', false],
    ['http://127.0.0.1:9000@evil.com/mcp', false],
    ['https://user:pw@mcp.example.com/tools/mcp', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
    // Encoded separators and dot segments, as a decoding server reads them.
    ['https://mcp.example.com/tools/..%2fadmin', false],
    ['https://mcp.example.com/tools/%2e%2e/admin', false],
    ['https://mcp.example.com/tools/%252e%252e%252fadmin', false],
    ['https://mcp.example.com/tools/..%5cadmin', false],
    ['https://mcp.example.com/tools/a/../mcp', true],
    ['https://mcp.example.com/tools/%2fmcp', true],
    ['https://mcp.example.com/tools/%zz', false],
  ])('%s → %s', (url, expected) => {
    expect(isAllowedServerUrl(url, allowed)).toBe(expected);
  });

  it('ends a prefix without a trailing slash at a segment boundary', () => {
    const prefixes = ['https://h.example/tools'];
    expect(isAllowedServerUrl('https://h.example/tools', prefixes)).toBe(true);
    expect(isAllowedServerUrl('https://h.example/tools/mcp', prefixes)).toBe(
      true,
    );
    expect(isAllowedServerUrl('https://h.example/tools-other/', prefixes)).toBe(
      false,
    );
  });
});

describe(normalizedPath.name, () => {
  it.each([
    ['/mcp/', '/mcp/'],
    ['/mcp/..%2Fadmin', '/admin'],
    ['/mcp//x/./y', '/mcp/x/y'],
    ['/a\\..\\b', '/b'],
    ['/%25252e', '/'],
    ['/%2525252e', undefined],
    ['/%E0%A4%A', undefined],
  ])('%s → %s', (path, expected) => {
    expect(normalizedPath(path)).toBe(expected);
  });
});

describe(allowlistedFetch.name, () => {
  const ok = new Response('ok');

  it('sends an allowed URL with redirects left to the caller', async () => {
    const base = vi.fn(() => Promise.resolve(ok));
    const sut = allowlistedFetch(allowed, base);
    await expect(
      sut(new URL('https://mcp.example.com/tools/mcp'), { method: 'POST' }),
    ).resolves.toBe(ok);
    expect(base).toHaveBeenCalledWith(
      new URL('https://mcp.example.com/tools/mcp'),
      { method: 'POST', redirect: 'manual' },
    );
  });

  it('refuses any other URL without sending it, naming it without its query', async () => {
    const base = vi.fn(() => Promise.resolve(ok));
    const sut = allowlistedFetch(allowed, base);
    await expect(
      sut('https://mcp.example.com/admin?token=secret-token'),
    ).rejects.toThrow(
      /Refused to request https:\/\/mcp\.example\.com\/admin: it is outside MCP_REMOTE_SERVERS_ALLOWED/,
    );
    await expect(
      sut('https://mcp.example.com/admin?token=secret-token'),
    ).rejects.not.toThrow(/secret-token/);
    expect(base).not.toHaveBeenCalled();
  });
});
