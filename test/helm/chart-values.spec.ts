import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InvalidValuesError,
  renderChart,
  type K8sObject,
} from './chart-renderer.js';
import {
  effectiveEnvironment,
  findObject,
  gatewayContainer,
  podSpec,
} from './k8s-objects.js';

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

function kinds(objects: K8sObject[]): string[] {
  return objects.map((object) => object.kind);
}

function podAnnotations(objects: K8sObject[]): Record<string, string> {
  return (findObject(objects, 'Deployment') as Record<string, any>).spec
    .template.metadata.annotations as Record<string, string>;
}

describe('chart ingress', () => {
  it('is networking.k8s.io/v1 with ingress-nginx SSE settings by default', () => {
    const ingress = findObject(
      render({ ingress: { enabled: true } }),
      'Ingress',
    ) as Record<string, any>;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    // Strings, not YAML 1.1 booleans: an unquoted `off` would fail the apply.
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-body-size': '32m',
    });
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({
      service: {
        name: 'my-release-open-responses-gateway',
        port: { name: 'http' },
      },
    });
  });

  it('merges annotation overrides into the defaults, and null removes one', () => {
    const ingress = findObject(
      render({
        ingress: {
          enabled: true,
          annotations: {
            'nginx.ingress.kubernetes.io/proxy-read-timeout': '7200',
            'nginx.ingress.kubernetes.io/proxy-body-size': null,
          },
          tls: [{ secretName: 'gw-tls', hosts: ['gw.example.com'] }],
        },
      }),
      'Ingress',
    ) as Record<string, any>;
    expect(
      ingress.metadata.annotations[
        'nginx.ingress.kubernetes.io/proxy-read-timeout'
      ],
    ).toBe('7200');
    expect(
      ingress.metadata.annotations[
        'nginx.ingress.kubernetes.io/proxy-buffering'
      ],
    ).toBe('off');
    expect(ingress.metadata.annotations).not.toHaveProperty(
      'nginx.ingress.kubernetes.io/proxy-body-size',
    );
    expect(ingress.spec.tls).toEqual([
      { secretName: 'gw-tls', hosts: ['gw.example.com'] },
    ]);
  });
});

describe('chart autoscaling and disruption budget', () => {
  it('renders an autoscaling/v2 CPU and memory HPA and lets it own the replica count', () => {
    const objects = render({
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 7 },
    });
    const hpa = findObject(objects, 'HorizontalPodAutoscaler') as Record<
      string,
      any
    >;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'my-release-open-responses-gateway',
      },
      minReplicas: 3,
      maxReplicas: 7,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
        {
          type: 'Resource',
          resource: {
            name: 'memory',
            target: { type: 'AverageValue', averageValue: '384Mi' },
          },
        },
      ],
    });
    expect(
      (findObject(objects, 'Deployment') as Record<string, any>).spec,
    ).not.toHaveProperty('replicas');
  });

  it.each([
    ['one replica', { replicaCount: 1 }, false],
    ['three replicas', { replicaCount: 3 }, true],
    [
      'one replica under an HPA',
      { replicaCount: 1, autoscaling: { enabled: true } },
      true,
    ],
    [
      'three replicas with the PDB disabled',
      { replicaCount: 3, podDisruptionBudget: { enabled: false } },
      false,
    ],
  ])('with %s renders a PDB: %s', (_label, values, expected) => {
    expect(kinds(render(values)).includes('PodDisruptionBudget')).toBe(
      expected,
    );
  });

  it('leaves the HPA out unless enabled', () => {
    expect(kinds(render({}))).not.toContain('HorizontalPodAutoscaler');
  });
});

describe('chart checksums', () => {
  const baseValues = {
    secrets: { OPENAI_API_KEY: 'sk-old' },
    mcpServers: { fs: { command: 'mcp-fs' } },
    upstreams: { vllm: { base_url: 'http://vllm:8000/v1' } },
  };
  const base = renderChart({ values: baseValues });
  const baseAnnotations = podAnnotations(base.objects);

  it('hashes the rendered ConfigMap manifest, as include | sha256sum does', () => {
    const text = base.manifests.get('configmap.yaml')!;
    expect(baseAnnotations['checksum/config']).toBe(
      createHash('sha256').update(text).digest('hex'),
    );
  });

  it.each([
    ['checksum/config', { config: { MAX_TOOL_CALL_ITERATIONS: 5 } }],
    ['checksum/config', { logLevel: 'debug' }],
    ['checksum/secret', { secrets: { OPENAI_API_KEY: 'sk-new' } }],
    ['checksum/mcp', { mcpServers: { fs: { command: 'mcp-fs-2' } } }],
    [
      'checksum/upstreams',
      { upstreams: { vllm: { base_url: 'http://vllm:9000/v1' } } },
    ],
  ])('changes only %s when its source changes', (changed, values) => {
    const annotations = podAnnotations(render({ ...baseValues, ...values }));
    for (const key of [
      'checksum/config',
      'checksum/secret',
      'checksum/mcp',
      'checksum/upstreams',
    ]) {
      expect(annotations[key] !== baseAnnotations[key], key).toBe(
        key === changed,
      );
    }
  });
});

describe('chart shutdown', () => {
  it('keeps terminationGracePeriodSeconds 30 s above SHUTDOWN_GRACE_SECONDS', () => {
    const objects = render({ shutdownGraceSeconds: 900 });
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(930);
    expect(effectiveEnvironment(objects).SHUTDOWN_GRACE_SECONDS).toBe('900');
  });
});

describe('chart names and identity', () => {
  it('uses fullnameOverride for every object', () => {
    const objects = render({ fullnameOverride: 'gw' });
    expect(findObject(objects, 'Service').metadata.name).toBe('gw');
    expect(findObject(objects, 'Deployment').metadata.name).toBe('gw');
  });

  it('does not repeat the chart name when the release name contains it', () => {
    const objects = renderChart({
      releaseName: 'open-responses-gateway-prod',
    }).objects;
    expect(findObject(objects, 'Service').metadata.name).toBe(
      'open-responses-gateway-prod',
    );
  });

  it('runs as the default service account when none is created', () => {
    const objects = render({ serviceAccount: { create: false } });
    expect(kinds(objects)).not.toContain('ServiceAccount');
    expect(podSpec(objects).serviceAccountName).toBe('default');
  });

  it('takes an image tag override', () => {
    const objects = render({
      image: { repository: 'ghcr.io/acme/gw', tag: '1.2.3' },
    });
    expect(gatewayContainer(objects).image).toBe('ghcr.io/acme/gw:1.2.3');
  });

  it('refuses values the schema rejects, before rendering', () => {
    expect(() => render({ logLevel: 'loud' })).toThrow(InvalidValuesError);
  });
});
