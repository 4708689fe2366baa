import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { OTHER_LABEL_VALUE } from '../../metrics/bounded-label.js';
import { MetricLabels } from '../../metrics/metric-labels.js';
import { UpstreamMetrics, upstreamErrorKind } from './upstream-metrics.js';

/** The value of one series, 0 when it does not exist. */
async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((v) =>
    Object.entries(labels).every(
      ([key, value]) => (v.labels as Record<string, unknown>)[key] === value,
    ),
  );
  return sample?.value ?? 0;
}

/** Metrics whose labels know upstream `a` and model `real-model`. */
function create(): { sut: UpstreamMetrics; registry: Registry } {
  const registry = new Registry();
  const labels = new MetricLabels();
  labels.upstream.allow(['a']);
  labels.model.allow(['real-model']);
  return { sut: new UpstreamMetrics(registry, labels), registry };
}

const answer = (statusCode: number) => Promise.resolve({ statusCode } as never);

function usageChunk(model: string, prompt: number, completion: number) {
  return {
    model,
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  } as unknown as ChatCompletionChunk;
}

describe(UpstreamMetrics.name, () => {
  it('counts attempts by outcome and non-2xx answers by status', async () => {
    const { sut, registry } = create();
    await sut.track('a', answer(200));
    await sut.track('a', answer(503));
    const name = 'gateway_upstream_requests_total';
    expect(
      await valueOf(registry, name, { upstream: 'a', outcome: 'ok' }),
    ).toBe(1);
    expect(
      await valueOf(registry, name, { upstream: 'a', outcome: 'error' }),
    ).toBe(1);
    expect(
      await valueOf(registry, 'gateway_upstream_errors_total', {
        upstream: 'a',
        kind: 'http_503',
      }),
    ).toBe(1);
  });

  it('counts a transport failure by kind and an abort as aborted only', async () => {
    const { sut, registry } = create();
    const refused = Object.assign(new Error('connect'), {
      code: 'ECONNREFUSED',
    });
    await expect(sut.track('a', Promise.reject(refused))).rejects.toBe(refused);
    const abort = new DOMException('aborted', 'AbortError');
    await expect(sut.track('a', Promise.reject(abort))).rejects.toBe(abort);
    expect(
      await valueOf(registry, 'gateway_upstream_errors_total', {
        kind: 'unreachable',
      }),
    ).toBe(1);
    expect(
      await valueOf(registry, 'gateway_upstream_requests_total', {
        outcome: 'aborted',
      }),
    ).toBe(1);
  });

  it('counts the last usage of a stream once, by the model that answered', async () => {
    const { sut, registry } = create();
    const meter = sut.stream('a', 'alias');
    meter.chunk(usageChunk('real-model', 5, 1));
    meter.chunk(usageChunk('real-model', 5, 7));
    meter.end();
    meter.end();
    const tokens = (direction: string) =>
      valueOf(registry, 'gateway_tokens_total', {
        model: 'real-model',
        direction,
      });
    expect(await tokens('input')).toBe(5);
    expect(await tokens('output')).toBe(7);
  });

  it('counts a stream failure, never a client abort', async () => {
    const { sut, registry } = create();
    sut.stream('a', 'm').end(new DOMException('gone', 'AbortError'));
    sut
      .stream('a', 'm')
      .end(new GatewayException('upstream_bad_response', 'cut short'));
    const metric = await registry
      .getSingleMetric('gateway_upstream_errors_total')!
      .get();
    expect(metric.values.map((v) => [v.labels.kind, v.value])).toEqual([
      ['bad_response', 1],
    ]);
  });

  it('counts unknown upstream and model names as other', async () => {
    const { sut, registry } = create();
    await sut.track('made-up', answer(200));
    sut.retried('made-up');
    const meter = sut.stream('a', 'alias-nobody-listed');
    meter.chunk(usageChunk('', 3, 4));
    meter.end();
    sut.usage('client-invented-name', {
      prompt_tokens: 1,
      completion_tokens: 1,
      total_tokens: 2,
    });
    const text = await registry.metrics();
    expect(text).not.toContain('made-up');
    expect(text).not.toContain('alias-nobody-listed');
    expect(text).not.toContain('client-invented-name');
    expect(
      await valueOf(registry, 'gateway_upstream_requests_total', {
        upstream: OTHER_LABEL_VALUE,
      }),
    ).toBe(1);
    expect(
      await valueOf(registry, 'gateway_tokens_total', {
        model: OTHER_LABEL_VALUE,
        direction: 'output',
      }),
    ).toBe(5);
  });

  it('counts retries per upstream', async () => {
    const { sut, registry } = create();
    sut.retried('a');
    sut.retried('a');
    expect(
      await valueOf(registry, 'gateway_upstream_retries_total', {
        upstream: 'a',
      }),
    ).toBe(2);
  });
});

describe(upstreamErrorKind.name, () => {
  it.each([
    [new GatewayException('upstream_error', 'x', { status: 429 }), 'http_429'],
    [new GatewayException('upstream_timeout', 'x'), 'timeout'],
    [new GatewayException('upstream_unreachable', 'x'), 'unreachable'],
    [new GatewayException('upstream_bad_response', 'x'), 'bad_response'],
    [new GatewayException('internal', 'x'), 'other'],
  ])('maps %s to %s', (error, kind) => {
    expect(upstreamErrorKind(error)).toBe(kind);
  });
});
