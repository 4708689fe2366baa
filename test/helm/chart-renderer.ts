/**
 * `helm template` for this chart without helm: coalesces values over
 * values.yaml (a `null` override deletes a key), validates them against
 * values.schema.json as helm does before rendering, renders every template
 * with the Go-template subset, and parses the manifests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { GoTemplateEngine } from './go-template-engine.js';
import { fromPlain, isMap, type GoValue } from './go-values.js';
import { helmFunctions } from './helm-functions.js';

/** The chart's directory. */
export const CHART_DIR = fileURLToPath(
  new URL('../../helm/open-responses-gateway/', import.meta.url),
);

/** A rendered Kubernetes object, loosely typed: tests dig into it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** What `helm template` would print, split up. */
export interface RenderedChart {
  /** The values the templates saw. */
  values: Record<string, unknown>;
  /** Rendered text per template file, e.g. `deployment.yaml`, `tests/test-connection.yaml`. */
  manifests: Map<string, string>;
  objects: K8sObject[];
  notes: string;
}

export interface RenderOptions {
  /** Overrides, as with `-f values.yaml` or `--set`. */
  values?: Record<string, unknown>;
  releaseName?: string;
  namespace?: string;
}

/** Thrown when values fail values.schema.json, as `helm install` would. */
export class InvalidValuesError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `values don't meet the specifications of the schema: ${problems.join('; ')}`,
    );
    this.name = InvalidValuesError.name;
  }
}

/** Chart.yaml, values.yaml and values.schema.json as parsed data. */
export function readChartFiles(): {
  chart: Record<string, unknown>;
  values: Record<string, unknown>;
  schema: Record<string, unknown>;
} {
  const read = (file: string): string =>
    readFileSync(join(CHART_DIR, file), 'utf8');
  return {
    chart: parseYaml(read('Chart.yaml')) as Record<string, unknown>,
    // Helm and Kubernetes read YAML 1.1: an unquoted `off` is a boolean.
    values: parseYaml(read('values.yaml'), { version: '1.1' }) as Record<
      string,
      unknown
    >,
    schema: JSON.parse(read('values.schema.json')) as Record<string, unknown>,
  };
}

/** Helm's coalescing: maps merge deeply, anything else replaces, `null` deletes. */
export function coalesceValues(
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = result[key];
    if (value === null) {
      delete result[key];
    } else if (isMap(value) && isMap(current)) {
      result[key] = coalesceValues(current, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

let validator: ValidateFunction | undefined;

/** Problems of `values` against values.schema.json, empty when valid. */
export function schemaProblems(values: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(
    readChartFiles().schema,
  );
  if (validator(values)) {
    return [];
  }
  return (validator.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** Renders the chart as `helm template <release> helm/open-responses-gateway`. */
export function renderChart(options: RenderOptions = {}): RenderedChart {
  const files = readChartFiles();
  const values = withoutNulls(
    coalesceValues(files.values, options.values ?? {}),
  );
  const problems = schemaProblems(values);
  if (problems.length > 0) {
    throw new InvalidValuesError(problems);
  }
  const chartName = String(files.chart.name);
  const basePath = `${chartName}/templates`;
  const engine = new GoTemplateEngine(helmFunctions);
  const templateDir = join(CHART_DIR, 'templates');
  const templateFiles = readdirSync(templateDir, {
    recursive: true,
    encoding: 'utf8',
  })
    .filter((file) => /\.(ya?ml|tpl|txt)$/.test(file))
    .map((file) => file.split('\\').join('/'))
    .sort();
  for (const file of templateFiles) {
    engine.parse(
      `${basePath}/${file}`,
      readFileSync(join(templateDir, file), 'utf8'),
    );
  }
  const top = {
    Values: values,
    Release: {
      Name: options.releaseName ?? 'my-release',
      Namespace: options.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1n,
    },
    // Chart.yaml's keys as the Go struct's field names: appVersion -> AppVersion.
    Chart: Object.fromEntries(
      Object.entries(files.chart).map(([k, v]) => [
        k.charAt(0).toUpperCase() + k.slice(1),
        v,
      ]),
    ),
    Capabilities: { KubeVersion: { Version: 'v1.31.0' } },
  };
  const manifests = new Map<string, string>();
  const objects: K8sObject[] = [];
  let notes = '';
  for (const file of templateFiles) {
    if (file.split('/').at(-1)!.startsWith('_')) {
      continue;
    }
    const name = `${basePath}/${file}`;
    const data = fromPlain({
      ...top,
      Template: { Name: name, BasePath: basePath },
    });
    const text = engine.execute(name, data);
    if (file === 'NOTES.txt') {
      notes = text;
      continue;
    }
    manifests.set(file, text);
    objects.push(...parseManifests(file, text));
  }
  return { values, manifests, objects, notes };
}

function parseManifests(file: string, text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text, { version: '1.1' })) {
    if (document.errors.length > 0) {
      throw new Error(
        `${file} renders invalid YAML: ${document.errors[0]!.message}\n${text}`,
      );
    }
    const object: unknown = document.toJS();
    if (object === null) {
      continue;
    }
    if (!isMap(object) || typeof object.kind !== 'string') {
      throw new Error(
        `${file} renders something that is not a Kubernetes object:\n${text}`,
      );
    }
    objects.push(object as unknown as K8sObject);
  }
  return objects;
}

/** Helm drops keys whose value is null once values are coalesced. */
function withoutNulls(
  values: Record<string, unknown>,
): Record<string, unknown> {
  const cleaned = fromPlain(values) as { [key: string]: GoValue };
  const strip = (map: { [key: string]: GoValue }): void => {
    for (const [key, value] of Object.entries(map)) {
      if (value === null) {
        delete map[key];
      } else if (isMap(value)) {
        strip(value);
      }
    }
  };
  strip(cleaned);
  return cleaned;
}
