/**
 * Lookups in rendered manifests, and the environment a container would see
 * once Kubernetes resolves its `envFrom` and `env` against ConfigMaps and
 * Secrets.
 */
import type { K8sObject } from './chart-renderer.js';

/** A container spec, loosely typed. */
export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  envFrom?: {
    configMapRef?: { name: string };
    secretRef?: { name: string };
  }[];
  [field: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

/** Secrets that exist in the cluster already: name -> key -> value. */
export type ExistingSecrets = Record<string, Record<string, string>>;

/** All objects of `kind`. */
export function objectsOfKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** The one object of `kind` (and `name` when given); throws otherwise. */
export function findObject(
  objects: K8sObject[],
  kind: string,
  name?: string,
): K8sObject {
  const found = objectsOfKind(objects, kind).filter(
    (object) => name === undefined || object.metadata.name === name,
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`,
    );
  }
  return found[0]!;
}

/** The Deployment's pod spec. */
export function podSpec(objects: K8sObject[]): Record<string, any> {
  const deployment = findObject(objects, 'Deployment') as any;
  return deployment.spec.template.spec;
}

/** The gateway container of the Deployment. */
export function gatewayContainer(objects: K8sObject[]): Container {
  const containers = podSpec(objects).containers as Container[];
  const gateway = containers.find((container) => container.name === 'gateway');
  if (!gateway) {
    throw new Error('no container named gateway');
  }
  return gateway;
}

/** A rendered Secret's data, base64-decoded. */
export function secretData(secret: K8sObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

/**
 * The gateway container's environment as the kubelet builds it: `envFrom`
 * sources in order (a later one wins), then `env` (which wins over all).
 * References to Secrets the chart does not render resolve through `existing`.
 */
export function effectiveEnvironment(
  objects: K8sObject[],
  existing: ExistingSecrets = {},
): Record<string, string> {
  const secretByName = (name: string): Record<string, string> => {
    const rendered = objectsOfKind(objects, 'Secret').find(
      (s) => s.metadata.name === name,
    );
    const data = rendered ? secretData(rendered) : existing[name];
    if (!data) {
      throw new Error(
        `Secret ${name} is neither rendered nor given as existing`,
      );
    }
    return data;
  };
  const container = gatewayContainer(objects);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = findObject(
        objects,
        'ConfigMap',
        source.configMapRef.name,
      );
      Object.assign(env, configMap.data as Record<string, string>);
    }
    if (source.secretRef) {
      Object.assign(env, secretByName(source.secretRef.name));
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    const value = ref ? secretByName(ref.name)[ref.key] : variable.value;
    if (value === undefined) {
      throw new Error(`env ${variable.name} resolves to nothing`);
    }
    env[variable.name] = value;
  }
  return env;
}
