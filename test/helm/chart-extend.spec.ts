import { describe, expect, it } from 'vitest';
import { renderChart, type K8sObject } from './chart-renderer.js';
import {
  effectiveEnvironment,
  findObject,
  gatewayContainer,
  objectsOfKind,
  podSpec,
} from './k8s-objects.js';

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

describe('chart extension points', () => {
  const caVolume = { name: 'ca', configMap: { name: 'ca-bundle' } };
  const caMount = { name: 'ca', mountPath: '/etc/ssl/custom', readOnly: true };
  const sidecar = { name: 'shipper', image: 'busybox:1.37' };
  const objects = render({
    extraEnv: [
      { name: 'HTTPS_PROXY', value: 'http://proxy:3128' },
      {
        name: 'POD_IP',
        valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
      },
    ],
    extraEnvFrom: [{ configMapRef: { name: 'proxy-settings' } }],
    extraVolumes: [caVolume],
    extraVolumeMounts: [caMount],
    extraContainers: [sidecar],
    podAnnotations: { 'example.com/team': 'llm' },
    podLabels: { 'example.com/tier': 'gateway' },
  });
  const container = gatewayContainer(objects);
  const pod = podSpec(objects);

  it('appends extraEnv after the chart env, so it wins', () => {
    const names = container.env!.map((variable) => variable.name);
    expect(names.slice(-2)).toEqual(['HTTPS_PROXY', 'POD_IP']);
    expect(container.env).toContainEqual({
      name: 'POD_IP',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    });
  });

  it('appends extraEnvFrom after the chart ConfigMap and Secrets', () => {
    expect(container.envFrom!.at(-1)).toEqual({
      configMapRef: { name: 'proxy-settings' },
    });
    expect(container.envFrom![0]).toEqual({
      configMapRef: { name: 'my-release-open-responses-gateway' },
    });
  });

  it('adds volumes and mounts next to /tmp', () => {
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, caVolume]);
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      caMount,
    ]);
  });

  it('runs sidecars after the gateway container', () => {
    expect((pod.containers as { name: string }[]).map((c) => c.name)).toEqual([
      'gateway',
      'shipper',
    ]);
    expect(pod.containers[1]).toEqual(sidecar);
  });

  it('puts podAnnotations and podLabels on the pods, next to the checksums and selector labels', () => {
    const template = (findObject(objects, 'Deployment') as Record<string, any>)
      .spec.template.metadata;
    expect(template.annotations['example.com/team']).toBe('llm');
    expect(template.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(template.labels).toMatchObject({
      'example.com/tier': 'gateway',
      'app.kubernetes.io/name': 'open-responses-gateway',
    });
  });

  it('renders none of them by default', () => {
    const defaults = render({});
    expect(gatewayContainer(defaults).envFrom).toHaveLength(1);
    expect(podSpec(defaults).containers).toHaveLength(1);
    expect(Object.keys(effectiveEnvironment(defaults))).not.toContain(
      'HTTPS_PROXY',
    );
  });
});

describe('chart autoscaling on memory', () => {
  it('scales on the average memory per pod as well as on CPU', () => {
    const hpa = findObject(
      render({ autoscaling: { enabled: true } }),
      'HorizontalPodAutoscaler',
    ) as Record<string, any>;
    expect(hpa.spec.metrics).toEqual([
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
    ]);
  });

  it('scales on CPU only when targetMemoryAverageValue is null', () => {
    const hpa = findObject(
      render({
        autoscaling: { enabled: true, targetMemoryAverageValue: null },
      }),
      'HorizontalPodAutoscaler',
    ) as Record<string, any>;
    expect(
      (hpa.spec.metrics as { resource: { name: string } }[]).map(
        (m) => m.resource.name,
      ),
    ).toEqual(['cpu']);
  });
});

describe('chart ingress paths', () => {
  function paths(objects: K8sObject[]): string[] {
    const ingress = findObject(objects, 'Ingress') as Record<string, any>;
    return (
      ingress.spec.rules[0].http.paths as { path: string; pathType: string }[]
    ).map((p) => `${p.pathType} ${p.path}`);
  }

  it('routes only the API by default: no /metrics, /docs or probes', () => {
    expect(paths(render({ ingress: { enabled: true } }))).toEqual([
      'Prefix /v1',
      'Prefix /responses',
    ]);
  });

  it("adds each named upstream's /<name>/v1", () => {
    const objects = render({
      ingress: { enabled: true },
      upstreams: {
        vllm: { base_url: 'http://vllm:8000/v1' },
        ollama: { base_url: 'http://ollama:11434/v1' },
      },
    });
    expect(paths(objects)).toEqual([
      'Prefix /v1',
      'Prefix /responses',
      'Prefix /ollama/v1',
      'Prefix /vllm/v1',
    ]);
  });

  it('routes the paths a host lists instead', () => {
    const objects = render({
      ingress: {
        enabled: true,
        hosts: [
          {
            host: 'gw.example.com',
            paths: [{ path: '/', pathType: 'Prefix' }],
          },
        ],
      },
    });
    expect(paths(objects)).toEqual(['Prefix /']);
    expect(objectsOfKind(objects, 'Ingress')).toHaveLength(1);
  });
});
