import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

/**
 * A remote "MCP server" under an allowed prefix (`/mcp/`) that tries to
 * lead the gateway outside it: a same-origin redirect to `/admin/…`, and
 * an SSE `endpoint` event naming `/admin/messages`. Nothing it names
 * outside the prefix may ever be requested.
 */
class LeadingServer {
  readonly requests: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LeadingServer> {
    const server = createServer();
    const remote = new LeadingServer(server);
    server.on('request', (req, res) => remote.answer(req, res));
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return remote;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Requests that reached a path outside the allowed prefix. */
  get outside(): string[] {
    return this.requests.filter((line) => !line.includes(' /mcp/'));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const line = `${req.method} ${req.url}`;
    this.requests.push(line);
    if (line === 'POST /mcp/redirect') {
      res.writeHead(307, { location: '/admin/mcp' }).end();
    } else if (line === 'GET /mcp/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: endpoint\ndata: /admin/messages?session=1\n\n');
    } else if (req.url?.startsWith('/mcp/')) {
      // An SSE-only server has no POST handler on its URL.
      res.writeHead(405).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
  }
}

describe('SSRF through the hosted mcp tool: every hop is checked', () => {
  let upstream: FakeUpstream;
  let remote: LeadingServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    remote = await LeadingServer.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MCP_REMOTE_SERVERS_ALLOWED: remote.url('/mcp/'),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    // Checked last, over every case of the file.
    expect(remote.outside).toEqual([]);
    await remote?.close();
  });
  beforeEach(() => upstream.reset());

  const respond = (serverUrl: string) =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        input: 'hi',
        tools: [
          {
            type: 'mcp',
            server_label: 'remote',
            server_url: serverUrl,
            require_approval: 'never',
          },
        ],
      }),
    });

  it.each([
    ['a same-origin redirect out of the prefix', '/mcp/redirect'],
    ['an SSE endpoint out of the prefix', '/mcp/sse'],
  ])('%s is not followed: the server lists an error', async (_name, path) => {
    const response = await respond(remote.url(path));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      output: { type: string; error?: string }[];
    };
    const listing = body.output.find((item) => item.type === 'mcp_list_tools');
    expect(listing?.error).toMatch(
      /Refused to request http:\/\/127\.0\.0\.1:\d+\/admin\/\S+: it is outside MCP_REMOTE_SERVERS_ALLOWED/,
    );
    expect(remote.outside).toEqual([]);
    expect(remote.requests.length).toBeGreaterThan(0);
  });

  it.each([
    ['an encoded slash with dot segments', '/mcp/..%2fadmin'],
    ['encoded dot segments', '/mcp/%2e%2e/admin'],
    ['a double-encoded slash', '/mcp/..%252fadmin'],
  ])('%s gets a 400 before any connection', async (_name, path) => {
    const before = remote.requests.length;
    const response = await respond(remote.url(path));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { param: 'tools[0].server_url' },
    });
    expect(remote.requests.length).toBe(before);
    expect(upstream.chatRequests).toEqual([]);
  });
});
