import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageInfo } from '../../src/common/package-info.js';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { closedPort } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from './support/logged-gateway.js';

type Line = Record<string, unknown> & { level: string; msg?: string };
type ReadyBody = {
  status: string;
  upstreams: Record<string, { state: string; status?: number | null }>;
};

/**
 * An upstream that serves `/v1/models` only (anything else is a 404, as a
 * real server without that route), answering `status` to it.
 */
class ModelsOnlyUpstream {
  status = 200;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ModelsOnlyUpstream> {
    const server = createServer();
    const upstream = new ModelsOnlyUpstream(server);
    server.on('request', (req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end('{"object":"list","data":[]}');
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return upstream;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const parse = (lines: readonly string[]): Line[] =>
  lines.map((line) => JSON.parse(line) as Line);

async function ready(gateway: LoggedGateway): Promise<[number, ReadyBody]> {
  const answer = await fetch(`${gateway.url}/ready`);
  return [answer.status, (await answer.json()) as ReadyBody];
}

async function scrape(gateway: LoggedGateway): Promise<Metrics> {
  return new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());
}

/**
 * The default upstream is down, a named one is up and then flaps, a third
 * one's base URL lacks /v1: readiness stays 200 and each upstream's state
 * is in /ready's body, in gateway_upstream_up and in the log.
 */
describe('upstream health', () => {
  let named: ModelsOnlyUpstream;
  let gateway: LoggedGateway;
  let dir: string;

  beforeAll(async () => {
    named = await ModelsOnlyUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'operator-health-'));
    const upstreamsPath = join(dir, 'upstreams.json');
    await writeFile(
      upstreamsPath,
      JSON.stringify({
        upstreams: {
          named: { base_url: `${named.origin}/v1` },
          'no-v1': { base_url: named.origin },
        },
      }),
    );
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${await closedPort()}/v1`,
      UPSTREAMS_CONFIG_PATH: upstreamsPath,
      UPSTREAM_PROBE_INTERVAL: '1',
    });
    await waitUntil(
      () => gateway.lines.some((l) => l.includes('upstreams probed')),
      () => 'the start-up probe',
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await named?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stays ready while the default upstream is down, naming each state', async () => {
    const [status, body] = await ready(gateway);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      upstreams: {
        default: { state: 'down', status: null },
        named: { state: 'up', status: 200 },
        'no-v1': { state: 'down', status: 404 },
      },
    });
    const metrics = await scrape(gateway);
    expect(
      metrics.series('gateway_upstream_up', { upstream: 'default' }),
    ).toEqual([{ labels: { upstream: 'default' }, value: 0 }]);
    expect(metrics.value('gateway_upstream_up', { upstream: 'named' })).toBe(1);
  });

  it('warns at start about a base URL whose /models answers 404, naming it', () => {
    const warning = parse(gateway.lines).find(
      (l) => l.level === 'warn' && (l.msg ?? '').includes('answered 404'),
    );
    expect(warning?.msg).toContain(
      `upstream no-v1: GET ${named.origin}/models`,
    );
    expect(warning?.msg).toContain('lack /v1');
  });

  it('logs a line when an upstream goes down and when it comes back', async () => {
    named.status = 503;
    await waitUntil(
      () => gateway.lines.some((l) => l.includes('upstream named went down')),
      () => 'the went-down line',
    );
    expect((await ready(gateway))[0]).toBe(200);
    named.status = 200;
    await waitUntil(
      () => gateway.lines.some((l) => l.includes('upstream named is back up')),
      () => 'the back-up line',
    );
    const lines = parse(gateway.lines).filter((l) => l.upstream === 'named');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'upstream named went down'],
      ['info', 'upstream named is back up'],
    ]);
  });
});

/** Model-call metrics by upstream and model, with bounded labels. */
describe('operator metrics', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;
  let dir: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'operator-metrics-'));
    const mcpPath = join(dir, 'mcp.json');
    await writeFile(
      mcpPath,
      JSON.stringify({
        mcpServers: {
          remote: { url: `http://127.0.0.1:${await closedPort()}/mcp` },
        },
      }),
    );
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MCP_SERVERS_CONFIG_PATH: mcpPath,
      UPSTREAM_PROBE_INTERVAL: '30',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const chat = (model: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    }).then((answer) => answer.text());

  it('measures time to first token and call duration per upstream and model', async () => {
    // The gateway learns the listed models (the label's known values).
    await (await fetch(`${gateway.url}/v1/models`)).text();
    await chat('fake-model');
    await chat('made-up-model-xyz');
    const metrics = await scrape(gateway);
    const known = { upstream: 'default', model: 'fake-model' };
    expect(
      metrics.value('gateway_time_to_first_token_seconds_count', known),
    ).toBe(1);
    expect(
      metrics.value('gateway_model_call_duration_seconds_count', {
        ...known,
        outcome: 'ok',
      }),
    ).toBe(1);
    // A model nobody configured or listed is counted as `other`.
    expect(
      metrics.value('gateway_time_to_first_token_seconds_count', {
        upstream: 'default',
        model: 'other',
      }),
    ).toBe(1);
    expect(metrics.text).not.toContain('made-up-model-xyz');
  });

  it('reports upstream up, MCP server up and build info', async () => {
    await waitUntil(
      async () =>
        (await scrape(gateway)).series('gateway_upstream_up').length > 0,
      () => 'the start-up probe',
    );
    const metrics = await scrape(gateway);
    expect(metrics.value('gateway_upstream_up', { upstream: 'default' })).toBe(
      1,
    );
    expect(metrics.series('gateway_mcp_server_up')).toEqual([
      { labels: { server: 'remote' }, value: 0 },
    ]);
    expect(metrics.series('gateway_build_info')).toEqual([
      {
        labels: { version: packageInfo.version, node: process.version },
        value: 1,
      },
    ]);
  });
});
