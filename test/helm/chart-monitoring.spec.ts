import { describe, expect, it } from 'vitest';
import { renderChart, type K8sObject } from './chart-renderer.js';
import {
  effectiveEnvironment,
  findObject,
  gatewayContainer,
} from './k8s-objects.js';

function render(values: Record<string, unknown>): K8sObject[] {
  return renderChart({ values }).objects;
}

function kinds(objects: K8sObject[]): string[] {
  return objects.map((object) => object.kind);
}

describe('chart ServiceMonitor', () => {
  it('scrapes /metrics on the http port of the Service without a metrics port, with the labels Prometheus selects by', () => {
    const objects = render({
      metrics: { port: null },
      serviceMonitor: {
        enabled: true,
        interval: '15s',
        labels: { release: 'prometheus' },
      },
    });
    const monitor = findObject(objects, 'ServiceMonitor') as Record<
      string,
      any
    >;
    const service = findObject(objects, 'Service') as Record<string, any>;
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(monitor.spec.selector.matchLabels).toEqual(
      (findObject(objects, 'Deployment') as Record<string, any>).spec.selector
        .matchLabels,
    );
    expect(service.metadata.labels).toMatchObject(
      monitor.spec.selector.matchLabels,
    );
    expect(monitor.spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' },
    ]);
    expect(
      (service.spec.ports as { name: string }[]).map((p) => p.name),
    ).toContain('http');
  });

  it('is off by default', () => {
    expect(kinds(render({}))).not.toContain('ServiceMonitor');
  });
});

describe('chart NetworkPolicy', () => {
  it('admits only the listed sources, on the gateway port only, and leaves egress open by default', () => {
    const from = [{ namespaceSelector: { matchLabels: { team: 'edge' } } }];
    const policy = findObject(
      render({
        metrics: { port: null },
        networkPolicy: { enabled: true, ingressFrom: from },
      }),
      'NetworkPolicy',
    ) as Record<string, any>;
    expect(policy.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'open-responses-gateway',
      'app.kubernetes.io/instance': 'my-release',
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }], from },
    ]);
    expect(policy.spec).not.toHaveProperty('egress');
  });

  it('admits the ingressFrom sources to the default metrics port when metricsFrom is empty', () => {
    const from = [{ namespaceSelector: { matchLabels: { team: 'edge' } } }];
    const policy = findObject(
      render({ networkPolicy: { enabled: true, ingressFrom: from } }),
      'NetworkPolicy',
    ) as Record<string, any>;
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }], from },
      { ports: [{ port: 'metrics', protocol: 'TCP' }], from },
    ]);
  });

  it('restricts egress to the given rules when egress is a list, and denies it all when the list is empty', () => {
    const egress = [{ ports: [{ port: 53, protocol: 'UDP' }] }];
    const restricted = findObject(
      render({ networkPolicy: { enabled: true, egress } }),
      'NetworkPolicy',
    ) as Record<string, any>;
    expect(restricted.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(restricted.spec.egress).toEqual(egress);
    const denied = findObject(
      render({ networkPolicy: { enabled: true, egress: [] } }),
      'NetworkPolicy',
    ) as Record<string, any>;
    expect(denied.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(denied.spec.egress).toEqual([]);
  });

  it('is off by default', () => {
    expect(kinds(render({}))).not.toContain('NetworkPolicy');
  });
});

describe('chart metrics port', () => {
  const objects = render({
    metrics: { port: 9090 },
    serviceMonitor: { enabled: true },
    networkPolicy: {
      enabled: true,
      metricsFrom: [{ namespaceSelector: { matchLabels: { team: 'obs' } } }],
    },
  });

  it('sets METRICS_PORT and opens a container port named metrics on it', () => {
    expect(effectiveEnvironment(objects).METRICS_PORT).toBe('9090');
    expect(gatewayContainer(objects).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  it('adds the port to the Service and scrapes it there', () => {
    const service = findObject(objects, 'Service') as Record<string, any>;
    expect(service.spec.ports).toContainEqual({
      name: 'metrics',
      port: 9090,
      targetPort: 'metrics',
      protocol: 'TCP',
    });
    const monitor = findObject(objects, 'ServiceMonitor') as Record<
      string,
      any
    >;
    expect(monitor.spec.endpoints[0]).toMatchObject({
      port: 'metrics',
      path: '/metrics',
    });
  });

  it('admits metricsFrom to the metrics port, apart from the API port', () => {
    const policy = findObject(objects, 'NetworkPolicy') as Record<string, any>;
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }] },
      {
        ports: [{ port: 'metrics', protocol: 'TCP' }],
        from: [{ namespaceSelector: { matchLabels: { team: 'obs' } } }],
      },
    ]);
  });

  it('serves /metrics and liveness on port 9090 by default', () => {
    const defaults = render({ serviceMonitor: { enabled: true } });
    expect(effectiveEnvironment(defaults).METRICS_PORT).toBe('9090');
    expect(
      (findObject(defaults, 'ServiceMonitor') as Record<string, any>).spec
        .endpoints[0].port,
    ).toBe('metrics');
    const container = gatewayContainer(defaults) as Record<string, any>;
    expect(container.livenessProbe.httpGet.port).toBe('metrics');
  });

  it('keeps /metrics and liveness on the API port with metrics.port null', () => {
    const apiOnly = render({
      metrics: { port: null },
      serviceMonitor: { enabled: true },
    });
    expect(effectiveEnvironment(apiOnly)).not.toHaveProperty('METRICS_PORT');
    expect(
      (findObject(apiOnly, 'ServiceMonitor') as Record<string, any>).spec
        .endpoints[0].port,
    ).toBe('http');
    const container = gatewayContainer(apiOnly) as Record<string, any>;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe.httpGet.port).toBe('http');
  });
});
