import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { LlmClientService } from '../llm-client/llm-client.service.js';
import { UpstreamRegistry } from '../llm-client/upstream-registry.service.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { parseUpstreamsConfig } from '../config/upstreams/upstreams-config.parser.js';
import { ModelsService } from './models.service.js';

type Lister = (
  target: UpstreamTarget,
  headers: Record<string, string>,
) => unknown;

/** A ModelsService over `default`, `a` and `b`, whose upstream answers come from `lister`. */
function create(
  lister: Lister,
  options: { cacheMs?: number; forwardClientAuth?: boolean } = {},
) {
  const file = parseUpstreamsConfig(
    JSON.stringify({
      upstreams: {
        a: { base_url: 'http://a/v1' },
        b: { base_url: 'http://b/v1' },
      },
    }),
    {},
  );
  const registry = new UpstreamRegistry(
    { baseUrl: 'http://default/v1', apiKey: undefined },
    {
      upstreams: file.upstreams,
      fallback: undefined,
      defaultToolCallFormat: 'auto',
    },
  );
  const calls: string[] = [];
  const llm = {
    getJson: (
      target: UpstreamTarget,
      _path: string,
      _signal: AbortSignal,
      headers: Record<string, string>,
    ) => {
      calls.push(target.name);
      return Promise.resolve().then(() => lister(target, headers));
    },
  } as unknown as LlmClientService;
  const sut = new ModelsService(
    llm,
    registry,
    { modelsCacheMs: options.cacheMs ?? 60_000 },
    { forwardClientAuth: options.forwardClientAuth ?? false },
  );
  return { sut, calls };
}

const listOf = (...ids: string[]) => ({
  object: 'list',
  data: ids.map((id) => ({ id, object: 'model', owned_by: 'o' })),
});

const down = (target: UpstreamTarget): never => {
  throw new GatewayException('upstream_unreachable', `${target.name} down`);
};

describe(ModelsService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('lists every upstream, named ones as name/model', async () => {
    const { sut } = create((t) =>
      t.name === 'default' ? listOf('gpt') : listOf(`${t.name}-1`),
    );
    expect((await sut.list()).data.map((m) => m.id)).toEqual([
      'gpt',
      'a/a-1',
      'b/b-1',
    ]);
  });

  it('still answers when an upstream is down or sends nonsense', async () => {
    const { sut } = create((t) =>
      t.name === 'a' ? down(t) : t.name === 'b' ? { nope: 1 } : listOf('gpt'),
    );
    expect((await sut.list()).data.map((m) => m.id)).toEqual(['gpt']);
  });

  it("reports the default upstream's failure when every upstream fails", async () => {
    const { sut } = create(down);
    const error = (await sut
      .list()
      .catch((e: unknown) => e)) as GatewayException;
    expect(error.code).toBe('upstream_unreachable');
    expect(error.message).toBe('default down');
  });

  it('answers from its cache, sharing one round between concurrent callers', async () => {
    const { sut, calls } = create(() => listOf('m'));
    await Promise.all([sut.list(), sut.list()]);
    await sut.list();
    expect(calls).toEqual(['default', 'a', 'b']);
  });

  it('never caches a failure', async () => {
    let up = false;
    const { sut, calls } = create((t) => (up ? listOf('m') : down(t)));
    await expect(sut.list()).rejects.toBeInstanceOf(GatewayException);
    up = true;
    expect((await sut.list()).data).toHaveLength(3);
    await sut.list();
    expect(calls).toHaveLength(6);
  });

  it('asks again every time with a cache of 0 s', async () => {
    const { sut, calls } = create(() => listOf('m'), { cacheMs: 0 });
    await sut.list();
    await sut.list();
    expect(calls).toHaveLength(6);
  });

  it("sends the client's key and skips the cache when it is forwarded", async () => {
    const seen: Record<string, string>[] = [];
    const { sut } = create(
      (_t, headers) => {
        seen.push(headers);
        return listOf('m');
      },
      { forwardClientAuth: true },
    );
    await sut.list('Bearer sk-1');
    await sut.list('Bearer sk-2');
    expect(seen.map((h) => h.authorization)).toEqual([
      ...Array<string>(3).fill('Bearer sk-1'),
      ...Array<string>(3).fill('Bearer sk-2'),
    ]);
  });

  it('finds one model by its full id, or answers not_found', async () => {
    const { sut } = create((t) =>
      t.name === 'a' ? listOf('qwen/qwen3') : listOf(),
    );
    expect((await sut.get('a/qwen/qwen3')).id).toBe('a/qwen/qwen3');
    const error = (await sut
      .get('qwen/qwen3')
      .catch((e: unknown) => e)) as GatewayException;
    expect(error.code).toBe('not_found');
    expect(error.param).toBe('model');
  });
});
