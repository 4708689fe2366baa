import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './create-logger.js';
import {
  LazyRequestLogger,
  lazyRequestLoggerFactory,
} from './lazy-request-logger.js';

/** The gateway's logger at `level`, writing into an array of parsed lines. */
function gatewayLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = createLogger(level, stream);
  return { logger, lines, child: vi.spyOn(logger, 'child') };
}

describe(LazyRequestLogger.name, () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { logger, lines, child } = gatewayLogger('warn');
    const sut = new LazyRequestLogger(logger, { reqId: 'req-1' });

    sut.info('not written');
    sut.debug({ detail: 1 }, 'nor this');

    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(sut.level).toBe('warn');
    expect(sut.isLevelEnabled('warn')).toBe(true);
    expect(sut.isLevelEnabled('info')).toBe(false);
  });

  it('writes through one child binding the request id, redacted as any line', () => {
    const { logger, lines, child } = gatewayLogger('info');
    const sut = new LazyRequestLogger(logger, { reqId: 'req-2' });

    sut.info({ headers: { authorization: 'Bearer sk-secret' } }, 'first');
    sut.warn('second %s', 'line');
    sut.error(new Error('boom'));

    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 'info', reqId: 'req-2', msg: 'first' },
      { level: 'warn', reqId: 'req-2', msg: 'second line' },
      { level: 'error', reqId: 'req-2', err: { message: 'boom' } },
    ]);
    expect(lines[0]).toMatchObject({
      headers: { authorization: '[Redacted]' },
    });
  });

  it('gives children that bind the request id too', () => {
    const { logger, lines } = gatewayLogger('info');
    const sut = new LazyRequestLogger(logger, { reqId: 'req-3' });

    sut.child({ upstream: 'vllm' }).info('from a child');

    expect(lines).toMatchObject([
      { reqId: 'req-3', upstream: 'vllm', msg: 'from a child' },
    ]);
  });

  it('changes its own level, not the gateway logger', () => {
    const { logger, lines } = gatewayLogger('warn');
    const sut = new LazyRequestLogger(logger, { reqId: 'req-4' });

    sut.level = 'debug';
    sut.debug('now written');

    expect(logger.level).toBe('warn');
    expect(lines).toMatchObject([{ level: 'debug', reqId: 'req-4' }]);
  });
});

describe(lazyRequestLoggerFactory.name, () => {
  it('is lazy unless the route asks for its own level or serializers', () => {
    const { logger, child } = gatewayLogger('info');

    const plain = lazyRequestLoggerFactory(logger, { reqId: 'a' }, {});
    const leveled = lazyRequestLoggerFactory(
      logger,
      { reqId: 'b' },
      { level: 'debug' },
    );

    expect(plain).toBeInstanceOf(LazyRequestLogger);
    expect(leveled).not.toBeInstanceOf(LazyRequestLogger);
    expect(child).toHaveBeenCalledTimes(1);
    expect(leveled.level).toBe('debug');
  });
});
