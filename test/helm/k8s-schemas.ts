/**
 * Checks rendered objects against Kubernetes' own schemas, as the API server
 * would: the OpenAPI schemas compiled to validators by `kubernetes-models`
 * (and `@kubernetes-models/prometheus-operator` for the ServiceMonitor CRD).
 *
 * Those schemas let unknown fields through, while the API server drops them
 * (or, with strict field validation, refuses them), so a misspelt
 * `readinesProbe` would pass unnoticed. The strict check watches which
 * properties the compiled validator reads: it reads exactly the properties
 * its schema declares, and enumerates only free-form maps (labels, data), so
 * a field it neither reads nor enumerates is one the schema does not know.
 */
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { K8sObject } from './chart-renderer.js';

interface Validatable {
  prototype: { validate(this: unknown): void };
}

/** The models of every kind the chart renders, by `apiVersion/kind`. */
const MODELS: Record<string, Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** What the validator looked at: properties read, objects enumerated. */
interface Access {
  read: Set<string>;
  enumerated: Set<string>;
}

/** `value` behind proxies that record every read and enumeration. */
function watched(value: unknown, path: string, access: Access): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) {
        return child;
      }
      access.read.add(`${path}/${key}`);
      return watched(child, `${path}/${key}`, access);
    },
    ownKeys(target) {
      access.enumerated.add(path);
      return Reflect.ownKeys(target);
    },
  });
}

/** Paths of object fields the validator neither read nor enumerated. */
function unknownFields(value: unknown, path: string, access: Access): string[] {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = `${path}/${key}`;
    const known =
      Array.isArray(value) ||
      access.enumerated.has(path) ||
      access.read.has(childPath);
    return known
      ? unknownFields(child, childPath, access)
      : [`${childPath}: not in the schema`];
  });
}

/** Problems of `object` against its Kubernetes schema, strict about fields. */
export function kubernetesSchemaProblems(object: K8sObject): string[] {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  const where = `${object.kind} ${object.metadata?.name ?? ''}`;
  if (!model) {
    return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  }
  const access: Access = { read: new Set(), enumerated: new Set() };
  const problems: string[] = [];
  try {
    model.prototype.validate.call(watched(object, '', access));
  } catch (error) {
    problems.push(String((error as Error).message));
  }
  problems.push(...unknownFields(object, '', access));
  return problems.map((problem) => `${where}: ${problem}`);
}
