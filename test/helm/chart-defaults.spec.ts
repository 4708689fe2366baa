import { describe, expect, it } from 'vitest';
import { readChartFiles, renderChart } from './chart-renderer.js';
import {
  findObject,
  gatewayContainer,
  objectsOfKind,
  podSpec,
} from './k8s-objects.js';

describe('chart rendered with default values', () => {
  const { objects, notes } = renderChart();
  const container = gatewayContainer(objects) as Record<string, any>;
  const pod = podSpec(objects);
  const fullname = 'my-release-open-responses-gateway';

  it('renders the workload objects and leaves the optional ones out', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Pod',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('names every object after the release and labels it', () => {
    for (const object of objects) {
      expect(object.metadata.name.startsWith(fullname)).toBe(true);
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'open-responses-gateway',
        'app.kubernetes.io/instance': 'my-release',
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': 'open-responses-gateway-0.2.0',
      });
    }
  });

  it('runs two replicas of the appVersion image', () => {
    const deployment = findObject(objects, 'Deployment') as Record<string, any>;
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe(
      `open-responses-gateway:${String(readChartFiles().chart.appVersion)}`,
    );
  });

  it('probes /health for startup on the http port, for liveness on the metrics port, and /ready for readiness on the http port', () => {
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container.startupProbe.httpGet).toEqual({
      path: '/health',
      port: 'http',
    });
    // A busy API port's accept queue must not get the pod restarted.
    expect(container.livenessProbe.httpGet).toEqual({
      path: '/health',
      port: 'metrics',
    });
    expect(container.readinessProbe.httpGet).toEqual({
      path: '/ready',
      port: 'http',
    });
    expect(container.startupProbe.failureThreshold).toBeGreaterThan(1);
  });

  it('runs as uid 10001, non-root, read-only, without capabilities, under RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('mounts a writable emptyDir on /tmp under the read-only root', () => {
    expect(container.volumeMounts).toContainEqual({
      name: 'tmp',
      mountPath: '/tmp',
    });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: {} });
  });

  it('annotates the pod template with sha256 checksums of its config and secret', () => {
    const annotations = (
      findObject(objects, 'Deployment') as Record<string, any>
    ).spec.template.metadata.annotations as Record<string, string>;
    for (const key of ['checksum/config', 'checksum/secret', 'checksum/mcp']) {
      expect(annotations[key]).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('gives pods a termination grace longer than the longest stream, after a preStop sleep', () => {
    expect(pod.terminationGracePeriodSeconds).toBe(330);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(300);
    expect(container.lifecycle.preStop.exec.command).toEqual([
      '/bin/sleep',
      '5',
    ]);
  });

  it('rolls out without ever removing a pod before its replacement is ready', () => {
    const deployment = findObject(objects, 'Deployment') as Record<string, any>;
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('serves port 80 from the container port 8080 (and the metrics port) through a ClusterIP Service', () => {
    const service = findObject(objects, 'Service') as Record<string, any>;
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    const podLabels = (findObject(objects, 'Deployment') as Record<string, any>)
      .spec.template.metadata.labels as Record<string, string>;
    expect(podLabels).toMatchObject(
      service.spec.selector as Record<string, string>,
    );
  });

  it('keeps one pod through voluntary disruptions of the two replicas', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget') as Record<
      string,
      any
    >;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(
      (findObject(objects, 'Deployment') as Record<string, any>).spec.selector
        .matchLabels,
    );
  });

  it('runs the service account it creates', () => {
    expect(pod.serviceAccountName).toBe(
      findObject(objects, 'ServiceAccount').metadata.name,
    );
  });

  it('ships a helm test pod that fetches /health through the Service', () => {
    const [testPod] = objectsOfKind(objects, 'Pod') as Record<string, any>[];
    expect(testPod!.metadata.annotations['helm.sh/hook']).toBe('test');
    const testContainer = testPod!.spec.containers[0];
    expect(testContainer.image).toMatch(/^busybox:/);
    expect([...testContainer.command, ...testContainer.args]).toEqual([
      'wget',
      '-qO-',
      `http://${fullname}:80/health`,
    ]);
  });

  it('requests more memory than a pod uses at rest (150 MiB idle RSS measured)', () => {
    const request = String(container.resources.requests.memory);
    expect(request).toMatch(/^\d+Mi$/);
    expect(parseInt(request, 10)).toBeGreaterThanOrEqual(150);
    expect(parseInt(request, 10)).toBeLessThan(
      parseInt(String(container.resources.limits.memory), 10),
    );
  });

  it('caps the V8 heap at half the memory limit, through NODE_OPTIONS', () => {
    const limitMiB = Number(
      /^(\d+)Mi$/.exec(String(container.resources.limits.memory))?.[1],
    );
    const nodeOptions = (container.env as { name: string; value: string }[])
      .filter((variable) => variable.name === 'NODE_OPTIONS')
      .map((variable) => variable.value);
    expect(nodeOptions).toEqual([`--max-old-space-size=${limitMiB / 2}`]);
  });

  it('tells in NOTES how to port-forward and call the gateway', () => {
    expect(notes).toContain(`port-forward svc/${fullname} 8080:80`);
    expect(notes).toContain('curl http://127.0.0.1:8080/health');
    expect(notes).toContain('/v1/responses');
  });
});
