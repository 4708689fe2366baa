/**
 * The chart as the real `helm` renders it (see support/helm-binary.ts):
 * `helm install --dry-run=client -o json`, which validates the values against
 * values.schema.json, renders every template and also returns the hooks and
 * NOTES, split up per template file and parsed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { HelmError, helmBinary, runHelm } from './support/helm-binary.js';

// Unpacked while the spec file loads, so the first test's time is its own.
helmBinary();

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

/** What `helm install --dry-run` renders, split up. */
export interface RenderedChart {
  /** Rendered text per template file, e.g. `deployment.yaml`, `tests/test-connection.yaml`. */
  manifests: Map<string, string>;
  /** Every object, hooks (the `helm test` pod) included. */
  objects: K8sObject[];
  notes: string;
}

export interface RenderOptions {
  /** Overrides, as with `-f values.yaml`; a `null` deletes a default. */
  values?: Record<string, unknown>;
  /** More values files, e.g. test/helm/fixtures/every-feature.yaml. */
  valuesFiles?: string[];
  releaseName?: string;
  namespace?: string;
}

/** Thrown when helm refuses the values against values.schema.json. */
export class InvalidValuesError extends Error {
  constructor(readonly helmMessage: string) {
    super(helmMessage);
    this.name = InvalidValuesError.name;
  }
}

/** Chart.yaml, values.yaml and values.schema.json as parsed data. */
export function readChartFiles(): {
  chart: Record<string, unknown>;
  values: Record<string, unknown>;
  schema: Record<string, any>;
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
    schema: JSON.parse(read('values.schema.json')) as Record<string, any>,
  };
}

/** Writes `values` to a temporary values file for the duration of `use`. */
function withValuesFile<T>(
  values: Record<string, unknown>,
  use: (file: string) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), 'chart-values-'));
  try {
    const file = join(dir, 'values.json');
    // JSON is YAML: helm reads it as any values file.
    writeFileSync(file, JSON.stringify(values));
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** helm's arguments for `options`' values files. */
function valuesArgs(options: RenderOptions, file: string): string[] {
  return [...(options.valuesFiles ?? []), file].flatMap((f) => ['-f', f]);
}

/** Renders the chart as `helm install <release> --dry-run=client` does. */
export function renderChart(options: RenderOptions = {}): RenderedChart {
  const output = withValuesFile(options.values ?? {}, (file) => {
    try {
      return runHelm([
        'install',
        options.releaseName ?? 'my-release',
        CHART_DIR,
        '--namespace',
        options.namespace ?? 'default',
        '--dry-run=client',
        '--output',
        'json',
        ...valuesArgs(options, file),
      ]);
    } catch (error) {
      throw asInvalidValues(error);
    }
  });
  const release = JSON.parse(output) as {
    manifest: string;
    hooks?: { path: string; manifest: string }[];
    info: { notes?: string };
  };
  const manifests = splitManifest(release.manifest);
  for (const hook of release.hooks ?? []) {
    manifests.set(hook.path.replace(/^[^/]+\/templates\//, ''), hook.manifest);
  }
  const objects = [...manifests].flatMap(([file, text]) =>
    parseManifests(file, text),
  );
  return { manifests, objects, notes: release.info.notes ?? '' };
}

/** `helm lint --strict` of the chart with `options`' values; throws on failure. */
export function lintChart(options: RenderOptions = {}): string {
  return withValuesFile(options.values ?? {}, (file) =>
    runHelm(['lint', '--strict', CHART_DIR, ...valuesArgs(options, file)]),
  );
}

function asInvalidValues(error: unknown): unknown {
  if (
    error instanceof HelmError &&
    /values don't meet the specifications of the schema/.test(error.stderr)
  ) {
    return new InvalidValuesError(error.stderr.trim());
  }
  return error;
}

/** Splits helm's manifest stream at its `# Source: <chart>/templates/<file>` headers. */
function splitManifest(manifest: string): Map<string, string> {
  const manifests = new Map<string, string>();
  const parts = manifest.split(/^---\n# Source: [^/]+\/templates\/(.+)\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    const file = parts[i]!;
    const previous = manifests.get(file);
    const text = parts[i + 1]!;
    manifests.set(file, previous ? `${previous}---\n${text}` : text);
  }
  return manifests;
}

function parseManifests(file: string, text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text, { version: '1.1' })) {
    if (document.errors.length > 0) {
      throw new Error(
        `${file} renders invalid YAML: ${document.errors[0]!.message}\n${text}`,
      );
    }
    const object = document.toJS() as K8sObject | null;
    if (object === null) {
      continue;
    }
    if (typeof object !== 'object' || typeof object.kind !== 'string') {
      throw new Error(
        `${file} renders something that is not a Kubernetes object:\n${text}`,
      );
    }
    objects.push(object);
  }
  return objects;
}
