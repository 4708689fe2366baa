import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryBudget } from '../../src/config/memory-budget.js';
import { readEnvironment } from '../../src/config/read-environment.js';
import {
  InvalidValuesError,
  renderChart,
  type K8sObject,
} from './chart-renderer.js';
import { effectiveEnvironment } from './k8s-objects.js';

const MiB = 1024 * 1024;

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

function nodeOptions(values: Record<string, unknown>): string | undefined {
  return effectiveEnvironment(render(values)).NODE_OPTIONS;
}

/** V8's heap limit in a real Node started with these NODE_OPTIONS. */
function heapLimitUnder(options: string): number {
  const printed = execFileSync(
    process.execPath,
    ['-p', 'v8.getHeapStatistics().heap_size_limit'],
    { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options } },
  );
  return Number(String(printed).trim());
}

describe('chart heap cap, derived from resources.limits.memory', () => {
  it.each([
    ['512Mi (the default)', 256, '512Mi'],
    ['1Gi', 512, '1Gi'],
    ['768Mi', 384, '768Mi'],
    ['524288Ki', 256, '524288Ki'],
    ['2G (decimal)', 953, '2G'],
    ['1000M (decimal)', 476, '1000M'],
    ['1073741824 bytes as text', 512, '1073741824'],
    ['536870912 bytes as a number', 256, 536870912],
  ])('%s gives --max-old-space-size=%i', (_label, heapMiB, memory) => {
    expect(nodeOptions({ resources: { limits: { memory } } })).toBe(
      `--max-old-space-size=${heapMiB}`,
    );
  });

  it('takes heapPercentOfMemoryLimit of the limit', () => {
    expect(
      nodeOptions({
        resources: { limits: { memory: '1Gi' } },
        heapPercentOfMemoryLimit: 75,
      }),
    ).toBe('--max-old-space-size=768');
  });

  it.each([
    ['a fractional quantity', { resources: { limits: { memory: '1.5Gi' } } }],
    ['an unknown suffix', { resources: { limits: { memory: '512MB' } } }],
    ['a word', { resources: { limits: { memory: 'lots' } } }],
    ['a heap share under 10 %', { heapPercentOfMemoryLimit: 5 }],
    ['a heap share over 90 %', { heapPercentOfMemoryLimit: 95 }],
  ])('refuses %s before rendering', (_label, values) => {
    expect(() => render(values)).toThrow(InvalidValuesError);
  });
});

describe("the gateway's memory budget under the chart's heap", () => {
  const defaultBodyLimit = readEnvironment({}).server.BODY_LIMIT_BYTES;

  it('holds the default 32 MiB body limit (the ingress proxy-body-size) at 512Mi', () => {
    const objects = render({});
    const heapLimit = heapLimitUnder(
      effectiveEnvironment(objects).NODE_OPTIONS!,
    );
    const sut = memoryBudget(
      readEnvironment(effectiveEnvironment(objects)).server,
      heapLimit,
    );
    expect(sut.bodyLimitBytes).toBe(32 * MiB);
    expect(sut.bodyLimitBytes).toBe(defaultBodyLimit);
    expect(sut.maxInflightBodyBytes).toBe(Math.floor(heapLimit / 8));
    expect(sut.maxInflightBodyBytes).toBeGreaterThanOrEqual(sut.bodyLimitBytes);
  });

  it('lowers the body limit to the budget when the memory limit shrinks', () => {
    const objects = render({ resources: { limits: { memory: '256Mi' } } });
    const heapLimit = heapLimitUnder(
      effectiveEnvironment(objects).NODE_OPTIONS!,
    );
    const sut = memoryBudget(
      readEnvironment(effectiveEnvironment(objects)).server,
      heapLimit,
    );
    expect(sut.maxInflightBodyBytes).toBe(Math.floor(heapLimit / 8));
    expect(sut.bodyLimitBytes).toBe(sut.maxInflightBodyBytes);
    expect(sut.bodyLimitBytes).toBeLessThan(defaultBodyLimit);
  });

  it('grows the budget with the memory limit', () => {
    const budgetAt = (memory: string) => {
      const objects = render({ resources: { limits: { memory } } });
      return memoryBudget(
        readEnvironment(effectiveEnvironment(objects)).server,
        heapLimitUnder(effectiveEnvironment(objects).NODE_OPTIONS!),
      ).maxInflightBodyBytes;
    };
    expect(budgetAt('2Gi')).toBeGreaterThan(budgetAt('512Mi'));
  });
});
