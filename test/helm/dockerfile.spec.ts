import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { readChartFiles, renderChart } from './chart-renderer.js';
import {
  envOf,
  execForm,
  instructions,
  parseDockerfile,
} from './dockerfile.js';
import {
  effectiveEnvironment,
  gatewayContainer,
  podSpec,
} from './k8s-objects.js';

const root = new URL('../../', import.meta.url);
const read = (file: string): string =>
  readFileSync(new URL(file, root), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const build = stages.find((stage) => stage.alias === 'build')!;
const packageJson = JSON.parse(read('package.json')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
};

const { objects } = renderChart();
const container = gatewayContainer(objects) as Record<string, any>;

function healthcheckScript(): string {
  const [command, flag, script] = execForm(
    instructions(runtime, 'HEALTHCHECK')[0]!,
  );
  expect([command, flag]).toEqual(['node', '-e']);
  return script!;
}

/** Exit code of the HEALTHCHECK's node one-liner, aimed at `hostPort` instead of 127.0.0.1:8080. */
async function runHealthcheck(hostPort: string): Promise<number> {
  const original = healthcheckScript();
  expect(original).toContain('http://127.0.0.1:8080/');
  const script = original.replace('127.0.0.1:8080', hostPort);
  try {
    await promisify(execFile)(process.execPath, ['-e', script], {
      timeout: 10_000,
    });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describe('Dockerfile', () => {
  it('builds in one node:22-slim stage and runs in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((stage) => stage.image)).toEqual(
      stages.map(() => 'node:22-slim'),
    );
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
  });

  it('runs npm ci and the build in the build stage, production dependencies only at runtime', () => {
    expect(instructions(build, 'RUN').join('\n')).toMatch(/npm ci\b/);
    expect(instructions(build, 'RUN').join('\n')).toContain('npm run build');
    const runtimeRuns = instructions(runtime, 'RUN').join('\n');
    expect(runtimeRuns).toContain('npm ci --omit=dev');
    expect(runtimeRuns).not.toContain('npm run build');
    expect(instructions(runtime, 'COPY')).toContain(
      '--from=build /app/dist ./dist',
    );
    expect(instructions(runtime, 'COPY').join('\n')).toContain('package.json');
  });

  it('copies .npmrc with the lockfile wherever npm ci runs, as the lock needs it', () => {
    // The lock was made with legacy-peer-deps (aws-cdk-lib, a peer of the
    // helm-carrying devDependency, is left out); without .npmrc npm ci
    // refuses the lock as out of sync.
    expect(read('.npmrc')).toMatch(/^legacy-peer-deps=true$/m);
    for (const stage of [build, runtime]) {
      expect(instructions(stage, 'COPY')).toContain(
        'package.json package-lock.json .npmrc ./',
      );
    }
  });

  it('copies into the build only files that exist and .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const sources = instructions(build, 'COPY').flatMap((args) =>
      args.split(/\s+/).slice(0, -1),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(new URL(source, root)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });

  it('ignores what the image must never contain', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of [
      'node_modules',
      'dist',
      'test',
      'bench',
      '.git',
      'helm',
      'coverage',
      '*.log',
      '.env',
    ]) {
      expect(ignored, entry).toContain(entry);
    }
  });

  it('runs as the non-root uid the chart expects', () => {
    const user = instructions(runtime, 'USER').at(-1)!;
    const uid = Number(user.split(':')[0]);
    expect(uid).toBe(10001);
    expect(instructions(runtime, 'RUN').join('\n')).toMatch(
      /useradd .*--uid 10001/,
    );
    expect(podSpec(objects).securityContext.runAsUser).toBe(uid);
    expect(container.securityContext.runAsUser).toBe(uid);
  });

  it('sets production mode and the port the chart serves, and exposes it', () => {
    expect(envOf(runtime)).toMatchObject({
      NODE_ENV: 'production',
      API_ADAPTER_PORT: '8080',
    });
    expect(instructions(runtime, 'EXPOSE')).toEqual(['8080']);
    expect(container.ports[0].containerPort).toBe(8080);
    expect(effectiveEnvironment(objects).API_ADAPTER_PORT).toBe('8080');
  });

  it('health-checks the path and port the chart probes for liveness', () => {
    const url = new URL(/https?:\/\/[^'"]+/.exec(healthcheckScript())![0]);
    expect(url.port).toBe(instructions(runtime, 'EXPOSE')[0]);
    expect(url.pathname).toBe(container.livenessProbe.httpGet.path);
  });

  it('starts dist/main.js, the build output npm start runs, with request contexts on frames', () => {
    // Node 22's flag, Node 24's default: AsyncLocalStorage without a hook on every promise.
    expect(execForm(instructions(runtime, 'CMD').at(-1)!)).toEqual([
      'node',
      '--experimental-async-context-frame',
      'dist/main.js',
    ]);
    expect(packageJson.scripts.start).toBe('node dist/main.js');
    expect(
      (JSON.parse(read('nest-cli.json')) as { entryFile: string }).entryFile,
    ).toBe('main');
  });

  it("is the chart's default image, tagged with the chart appVersion", () => {
    const { chart } = readChartFiles();
    expect(container.image).toBe(
      `${packageJson.name}:${String(chart.appVersion)}`,
    );
  });
});

describe('Dockerfile HEALTHCHECK command', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({});
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('exits 0 against a running gateway', async () => {
    expect(await runHealthcheck(new URL(gateway.url).host)).toBe(0);
  });

  it('exits 1 when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await runHealthcheck(`127.0.0.1:${port}`)).toBe(1);
  });
});
