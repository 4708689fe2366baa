import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

/** A destination that keeps every line pino writes. */
function capture(): { stream: Writable; lines: () => string[] } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    lines: () => written.join('').split('\n').filter(Boolean),
  };
}

describe(createLogger.name, () => {
  it('redacts the Authorization header and API keys', () => {
    const { stream, lines } = capture();
    const sut = createLogger('info', stream);
    sut.info(
      {
        req: {
          method: 'POST',
          headers: {
            authorization: 'Bearer sk-very-secret',
            'x-api-key': 'sk-other-secret',
            'content-type': 'application/json',
          },
        },
        apiKey: 'sk-top-level-secret',
        upstream: { name: 'vllm', apiKey: 'sk-nested-secret' },
      },
      'request received',
    );
    const [line] = lines();
    expect(line).toBeDefined();
    expect(line).toContain('[Redacted]');
    expect(line).not.toContain('secret');
    const parsed = JSON.parse(line!);
    expect(parsed.req.headers).toEqual({
      authorization: '[Redacted]',
      'x-api-key': '[Redacted]',
      'content-type': 'application/json',
    });
    expect(parsed.apiKey).toBe('[Redacted]');
    expect(parsed.upstream).toEqual({ name: 'vllm', apiKey: '[Redacted]' });
    expect(parsed.msg).toBe('request received');
  });

  it('writes JSON lines with a level label and the service name', () => {
    const { stream, lines } = capture();
    createLogger('info', stream).warn('careful');
    expect(JSON.parse(lines()[0]!)).toMatchObject({
      level: 'warn',
      service: 'open-responses-gateway',
      msg: 'careful',
    });
  });

  it('drops lines below its level', () => {
    const { stream, lines } = capture();
    const sut = createLogger('warn', stream);
    sut.info('hidden');
    sut.error('shown');
    expect(lines().map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
