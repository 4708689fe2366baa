import { describe, expect, it } from 'vitest';
import type { UpstreamDefinition } from '../config/upstreams/upstream-definition.js';
import { OTHER_LABEL_VALUE } from './bounded-label.js';
import {
  MAX_MODEL_LABEL_VALUES,
  MetricLabels,
  MODEL_LIST_REFRESH_MS,
} from './metric-labels.js';

function definition(
  name: string,
  extra: Partial<UpstreamDefinition> = {},
): UpstreamDefinition {
  return {
    target: { name, baseUrl: `http://${name}/v1` },
    modelOverrides: {},
    ...extra,
  };
}

describe(MetricLabels.name, () => {
  it('knows the default upstream and the configured ones', () => {
    const sut = new MetricLabels();
    sut.allowConfigured([definition('lmstudio'), definition('vllm')]);
    expect(
      ['default', 'lmstudio', 'vllm', 'evil'].map((u) => sut.upstream.of(u)),
    ).toEqual(['default', 'lmstudio', 'vllm', OTHER_LABEL_VALUE]);
  });

  it('knows the models of the model routes, bare and prefixed, not patterns', () => {
    const sut = new MetricLabels();
    sut.allowConfigured([
      definition('a', {
        models: { kind: 'list', ids: ['m1'] },
        modelOverrides: { m2: { supportsToolRole: false } },
      }),
      definition('b', { models: { kind: 'pattern', pattern: /^qwen/ } }),
    ]);
    expect(
      ['m1', 'a/m1', 'm2', 'a/m2', 'qwen3'].map((m) => sut.model.of(m)),
    ).toEqual(['m1', 'a/m1', 'm2', 'a/m2', OTHER_LABEL_VALUE]);
  });

  it('learns listed models as the upstream names them and as the gateway lists them', () => {
    const sut = new MetricLabels();
    sut.learnModels([
      { prefix: '', models: [{ id: 'fake-model' }] },
      { prefix: 'lm/', models: [{ id: 'qwen/qwen3' }] },
    ]);
    expect(
      ['fake-model', 'qwen/qwen3', 'lm/qwen/qwen3', 'lm/fake-model'].map((m) =>
        sut.model.of(m),
      ),
    ).toEqual(['fake-model', 'qwen/qwen3', 'lm/qwen/qwen3', OTHER_LABEL_VALUE]);
  });

  it(`learns at most ${MAX_MODEL_LABEL_VALUES} models, however many are listed`, () => {
    const sut = new MetricLabels();
    const models = Array.from(
      { length: MAX_MODEL_LABEL_VALUES + 50 },
      (_, i) => ({
        id: `m${i}`,
      }),
    );
    sut.learnModels([{ prefix: '', models }]);
    expect(sut.model.size).toBe(MAX_MODEL_LABEL_VALUES);
  });

  it('refreshes the model lists once per interval, and survives a failed refresh', async () => {
    let now = 1_000_000;
    const sut = new MetricLabels(() => now);
    await sut.refreshIfStale(); // Nothing registered yet: a no-op.
    let calls = 0;
    sut.refreshModelsWith(() => {
      calls += 1;
      return calls === 1
        ? Promise.reject(new Error('upstream down'))
        : Promise.resolve();
    });
    await sut.refreshIfStale();
    await sut.refreshIfStale();
    expect(calls).toBe(1);
    now += MODEL_LIST_REFRESH_MS;
    await Promise.all([sut.refreshIfStale(), sut.refreshIfStale()]);
    expect(calls).toBe(2);
  });
});
