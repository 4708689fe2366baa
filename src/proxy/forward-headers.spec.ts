import { describe, expect, it } from 'vitest';
import {
  clientResponseHeaders,
  upstreamRequestHeaders,
} from './forward-headers.js';
import { HEADER_NAME_LIST, parseHeaderList } from '../config/header-list.js';

const replaceAuth = { upstreamApiKey: 'sk-upstream', forwardClientAuth: false };

describe(upstreamRequestHeaders.name, () => {
  it('drops hop-by-hop headers and keeps end-to-end ones', () => {
    const sut = upstreamRequestHeaders(
      {
        host: 'gateway:8080',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        trailer: 'x-checksum',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic abc',
        'proxy-connection': 'keep-alive',
        'content-type': 'application/json',
        'content-length': '12',
        accept: 'text/event-stream',
        'openai-beta': 'assistants=v2',
        'x-request-id': 'r1',
      },
      replaceAuth,
    );
    expect(sut).toEqual({
      'content-type': 'application/json',
      'content-length': '12',
      accept: 'text/event-stream',
      'openai-beta': 'assistants=v2',
      'x-request-id': 'r1',
      authorization: 'Bearer sk-upstream',
    });
  });

  it('drops the headers that Connection names', () => {
    const sut = upstreamRequestHeaders(
      { connection: 'close, X-Secret-Hop', 'x-secret-hop': '1', 'x-kept': '2' },
      replaceAuth,
    );
    expect(sut).toEqual({ 'x-kept': '2', authorization: 'Bearer sk-upstream' });
  });

  it("replaces the client's Authorization with the upstream key", () => {
    const sut = upstreamRequestHeaders(
      { authorization: 'Bearer sk-client' },
      replaceAuth,
    );
    expect(sut.authorization).toBe('Bearer sk-upstream');
  });

  it("removes the client's Authorization when there is no upstream key", () => {
    const sut = upstreamRequestHeaders(
      { authorization: 'Bearer sk-client', accept: '*/*' },
      { forwardClientAuth: false },
    );
    expect(sut).toEqual({ accept: '*/*' });
  });

  it("forwards the client's Authorization when told to", () => {
    const sut = upstreamRequestHeaders(
      { authorization: 'Bearer sk-client' },
      { upstreamApiKey: 'sk-upstream', forwardClientAuth: true },
    );
    expect(sut.authorization).toBe('Bearer sk-client');
  });

  it("drops the client's other credentials: API-key headers and cookies", () => {
    const sut = upstreamRequestHeaders(
      {
        'x-api-key': 'sk-client',
        'api-key': 'azure-client',
        'x-goog-api-key': 'gemini-client',
        'x-auth-token': 'token-client',
        cookie: 'session=abc',
        'proxy-authorization': 'Basic abc',
        'x-kept': '1',
      },
      replaceAuth,
    );
    expect(sut).toEqual({ 'x-kept': '1', authorization: 'Bearer sk-upstream' });
  });

  it('forwards the credential headers FORWARD_CLIENT_CREDENTIALS names, only those', () => {
    const sut = upstreamRequestHeaders(
      { 'x-api-key': 'sk-client', cookie: 'session=abc', 'api-key': 'az' },
      {
        ...replaceAuth,
        forwardClientCredentials: parseHeaderList(' X-Api-Key , cookie'),
      },
    );
    expect(sut).toEqual({
      'x-api-key': 'sk-client',
      cookie: 'session=abc',
      authorization: 'Bearer sk-upstream',
    });
  });

  it('keeps repeated headers as arrays', () => {
    const sut = upstreamRequestHeaders(
      { 'x-multi': ['a', 'b'] },
      { forwardClientAuth: true },
    );
    expect(sut['x-multi']).toEqual(['a', 'b']);
  });
});

describe(clientResponseHeaders.name, () => {
  it('drops hop-by-hop headers, lower-cases names and skips undefined values', () => {
    const sut = clientResponseHeaders({
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      'x-ratelimit-remaining-requests': '99',
      'set-cookie': ['a=1', 'b=2'],
      'x-missing': undefined,
    });
    expect(sut).toEqual({
      'content-type': 'text/event-stream',
      'x-ratelimit-remaining-requests': '99',
      'set-cookie': ['a=1', 'b=2'],
    });
  });

  it('drops the headers that a capitalised Connection names', () => {
    const sut = clientResponseHeaders({
      Connection: 'X-Hop',
      'x-hop': '1',
      'x-kept': '2',
    });
    expect(sut).toEqual({ 'x-kept': '2' });
  });
});

describe(parseHeaderList.name, () => {
  it('lower-cases and trims the names and skips blanks', () => {
    expect(parseHeaderList(' X-Api-Key,, Cookie ')).toEqual([
      'x-api-key',
      'cookie',
    ]);
    expect(parseHeaderList(undefined)).toEqual([]);
  });

  it.each([
    ['x-api-key', true],
    ['x-api-key, cookie', true],
    ['x api key', false],
    ['x-api-key;cookie', false],
    ['', false],
  ])('HEADER_NAME_LIST accepts %j: %s', (list, ok) => {
    expect(HEADER_NAME_LIST.test(list)).toBe(ok);
  });
});
