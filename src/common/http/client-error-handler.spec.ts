import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  clientErrorAnswer,
  clientErrorHandler,
  rawErrorResponse,
} from './client-error-handler.js';

const withCode = (code: string, reason?: string) =>
  Object.assign(new Error('client error'), { code, reason });

/** A socket that records what is written to it, never connected. */
function recordingSocket(): { socket: Socket; written: string[] } {
  const written: string[] = [];
  const socket = new Socket();
  Object.defineProperty(socket, 'writable', { value: true });
  vi.spyOn(socket, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  return { socket, written };
}

describe(clientErrorAnswer.name, () => {
  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    ['HPE_HEADER_OVERFLOW', 431, 'request_headers_too_large'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'payload_too_large'],
    ['HPE_INVALID_METHOD', 400, 'invalid_request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'invalid_request'],
  ])('answers %s with %i %s', (code, status, openAiCode) => {
    expect(clientErrorAnswer(withCode(code))).toMatchObject({
      status,
      code: openAiCode,
    });
  });

  it("names llhttp's reason for malformed HTTP", () => {
    expect(
      clientErrorAnswer(
        withCode('HPE_INVALID_HEADER_TOKEN', 'Invalid header token'),
      ).message,
    ).toBe('The request is not valid HTTP/1.1: Invalid header token.');
  });
});

describe(rawErrorResponse.name, () => {
  it('writes a whole HTTP/1.1 answer with the OpenAI body, closing the connection', () => {
    const text = rawErrorResponse({
      status: 408,
      code: 'request_timeout',
      message: 'too slow',
    });
    const [head = '', body = ''] = text.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 408 Request Timeout',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ]);
    expect(JSON.parse(body)).toEqual({
      error: {
        message: 'too slow',
        type: 'invalid_request_error',
        param: null,
        code: 'request_timeout',
      },
    });
  });
});

describe(clientErrorHandler.name, () => {
  it('answers and closes, logging the code but not the request bytes', () => {
    const debug = vi.fn();
    const { socket, written } = recordingSocket();
    const error = Object.assign(withCode('HPE_INVALID_METHOD'), {
      rawPacket: Buffer.from('GARBAGE\r\nAuthorization: Bearer sk-secret'),
    });
    clientErrorHandler({ debug })(error, socket);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(socket.destroyed).toBe(true);
    expect(JSON.stringify(debug.mock.calls)).not.toContain('sk-secret');
  });

  it('writes nothing on a connection whose response has started', () => {
    const { socket, written } = recordingSocket();
    Object.assign(socket, { _httpMessage: { headersSent: true } });
    clientErrorHandler({ debug: vi.fn() })(
      withCode('ERR_HTTP_REQUEST_TIMEOUT'),
      socket,
    );
    expect(written).toEqual([]);
    expect(socket.destroyed).toBe(true);
  });

  it('leaves a reset connection alone', () => {
    const { socket, written } = recordingSocket();
    clientErrorHandler({ debug: vi.fn() })(withCode('ECONNRESET'), socket);
    expect(written).toEqual([]);
  });
});
