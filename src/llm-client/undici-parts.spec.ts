import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, requestUrl } from './undici-parts.js';

// The parts file stands in for undici's index: an Agent from it answers
// request() (the index adds it to every dispatcher), and requestUrl is
// undici's request(url, …): the URL's origin, then its path and query.
describe('undici parts', () => {
  let server: Server;
  let origin: string;
  const agent = new Agent();

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await agent.close();
    server.close();
  });

  it('sends to the path and query of the URL, through the given Agent', async () => {
    const response = await requestUrl(`${origin}/v1/models?limit=2&after=x`, {
      dispatcher: agent,
      method: 'GET',
    });
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({
      method: 'GET',
      url: '/v1/models?limit=2&after=x',
    });
  });

  it("gives the Agent undici's request(), as undici's index does", async () => {
    const response = await agent.request({
      origin,
      path: '/v1/chat/completions',
      method: 'POST',
      body: '{}',
    });
    expect(await response.body.json()).toEqual({
      method: 'POST',
      url: '/v1/chat/completions',
    });
  });
});
