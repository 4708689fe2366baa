import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintChart, renderChart } from './chart-renderer.js';
import { findObject } from './k8s-objects.js';
import { kubernetesSchemaProblems } from './k8s-schemas.js';
import { HelmError } from './support/helm-binary.js';

const EVERY_FEATURE = fileURLToPath(
  new URL('fixtures/every-feature.yaml', import.meta.url),
);

describe('helm lint --strict', () => {
  it('passes with the default values', () => {
    expect(lintChart()).toContain('0 chart(s) failed');
  });

  it('passes with every optional feature on', () => {
    expect(lintChart({ valuesFiles: [EVERY_FEATURE] })).toContain(
      '0 chart(s) failed',
    );
  });

  it('fails on values the schema refuses', () => {
    expect(() => lintChart({ values: { logLevel: 'loud' } })).toThrow(
      HelmError,
    );
  });
});

describe("rendered objects against Kubernetes' schemas", () => {
  it('are valid with the default values', () => {
    const { objects } = renderChart();
    expect(objects.flatMap(kubernetesSchemaProblems)).toEqual([]);
  });

  it('are valid with every optional feature on, and cover every kind the chart has', () => {
    const { objects } = renderChart({ valuesFiles: [EVERY_FEATURE] });
    expect(objects.flatMap(kubernetesSchemaProblems)).toEqual([]);
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set([
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'NetworkPolicy',
        'Pod',
        'PodDisruptionBudget',
        'Secret',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]),
    );
  });

  it('flags a misspelt field and a wrong type, which the plain schemas let through', () => {
    const deployment = structuredClone(
      findObject(renderChart().objects, 'Deployment'),
    ) as Record<string, any>;
    const [container] = deployment.spec.template.spec.containers;
    container.readinesProbe = container.readinessProbe;
    container.ports[0].containerPort = '8080';
    const problems = kubernetesSchemaProblems(deployment as never);
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain(
      '/spec/template/spec/containers/0/readinesProbe: not in the schema',
    );
    expect(problems.join('\n')).toContain('containerPort must be integer');
  });

  it('flags an unknown field of the ServiceMonitor CRD', () => {
    const monitor = structuredClone(
      findObject(
        renderChart({ values: { serviceMonitor: { enabled: true } } }).objects,
        'ServiceMonitor',
      ),
    ) as Record<string, any>;
    expect(kubernetesSchemaProblems(monitor as never)).toEqual([]);
    monitor.spec.endpoints[0].scrapeEvery = '30s';
    expect(kubernetesSchemaProblems(monitor as never)).toEqual([
      `ServiceMonitor ${String(monitor.metadata.name)}: /spec/endpoints/0/scrapeEvery: not in the schema`,
    ]);
  });
});
