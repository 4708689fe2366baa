import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, isoTimeByMillisecond } from './create-logger.js';
import { newRequestContext, runInContext } from './request-context.js';
import { SecretRedactor } from './secret-redactor.js';

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

  it('redacts known secret values wherever they appear, in child loggers too', () => {
    const { stream, lines } = capture();
    const secrets = new SecretRedactor();
    secrets.add('redis-password-1', 'sk-upstream-2');
    const sut = createLogger('trace', stream, secrets);
    const authFailed = Object.assign(new Error('WRONGPASS invalid password'), {
      command: { name: 'auth', args: ['redis-password-1'] },
    });
    sut.warn({ err: authFailed }, 'the store is unreachable');
    sut
      .child({ reqId: 'r1' })
      .debug('MCP server x stderr: token sk-upstream-2 in use');
    secrets.add('learned-later-3');
    sut.error('upstream said: bad key learned-later-3');
    const all = lines();
    expect(all).toHaveLength(3);
    for (const secret of [
      'redis-password-1',
      'sk-upstream-2',
      'learned-later-3',
    ]) {
      expect(all.join('\n')).not.toContain(secret);
    }
    expect(JSON.parse(all[0]!).err.command).toEqual({
      name: 'auth',
      args: ['[REDACTED]'],
    });
    expect(JSON.parse(all[1]!)).toMatchObject({
      reqId: 'r1',
      msg: 'MCP server x stderr: token [REDACTED] in use',
    });
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

  it('cuts long messages, fields and error texts to 8 KiB with a marker', () => {
    const { stream, lines } = capture();
    const sut = createLogger('info', stream);
    const long = 'q'.repeat(100_000);
    const marker = `…(${100_000 - 8192} bytes more)`;
    sut.info({ body: long, err: new Error(long) }, long);
    const [line] = lines();
    expect(line!.length).toBeLessThan(40_000);
    const parsed = JSON.parse(line!);
    expect(parsed.msg).toBe(`${'q'.repeat(8192)}${marker}`);
    expect(parsed.body).toBe(`${'q'.repeat(8192)}${marker}`);
    expect(parsed.err.message).toBe(`${'q'.repeat(8192)}${marker}`);
    expect(parsed.err.stack.length).toBeLessThan(8300);
  });

  it("adds the request's id once to every line written in its context, bound or not", () => {
    const { stream, lines } = capture();
    const root = createLogger('info', stream);
    runInContext(newRequestContext('req-7'), () => {
      root.info('from the root logger');
      root.child({ context: 'Nest' }).info('from a child without reqId');
      root.child({ reqId: 'req-7' }).info("from Fastify's request.log");
      root.child({ call: { id: 1, reqId: 'other' } }).info('a nested reqId');
      root.child({ reqId: 'req-7' }).info('a second line of that logger');
    });
    root.info('outside any request');
    const all = lines();
    for (const line of all.slice(0, 5)) {
      expect(line.match(/"reqId":"req-7"/g)).toHaveLength(1);
      expect(JSON.parse(line).reqId).toBe('req-7');
    }
    expect(JSON.parse(all[5]!)).not.toHaveProperty('reqId');
  });
});

describe(isoTimeByMillisecond.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes pino's isoTime field, formatted anew when the millisecond changes", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 11, 6, 13, 0, 0, 1));
    expect(isoTimeByMillisecond()).toBe(pino.stdTimeFunctions.isoTime());
    expect(isoTimeByMillisecond()).toBe(',"time":"2026-12-06T13:00:00.001Z"');
    vi.setSystemTime(Date.UTC(2026, 11, 6, 13, 0, 0, 2));
    expect(isoTimeByMillisecond()).toBe(',"time":"2026-12-06T13:00:00.002Z"');
    expect(isoTimeByMillisecond()).toBe(pino.stdTimeFunctions.isoTime());
  });
});
