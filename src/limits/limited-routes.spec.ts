import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { isWebSocketUpgrade } from './limited-routes.js';

describe(isWebSocketUpgrade.name, () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  /** What isWebSocketUpgrade says of a request of `method` to `url` with `headers`. */
  async function upgradeOf(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
  ): Promise<boolean> {
    app = Fastify();
    app.route({
      method: ['GET', 'POST'],
      url: '/v1/responses',
      handler: (request) => ({ upgrade: isWebSocketUpgrade(request) }),
    });
    app.route({
      method: ['GET', 'POST'],
      url: '/v1/models',
      handler: (request) => ({ upgrade: isWebSocketUpgrade(request) }),
    });
    const answer = await app.inject({ method, url, headers });
    const { upgrade } = answer.json<{ upgrade: boolean }>();
    await app.close();
    app = undefined;
    return upgrade;
  }

  it('is a GET of a WebSocket route with Upgrade: websocket and Connection: upgrade', async () => {
    expect(
      await upgradeOf('GET', '/v1/responses', {
        upgrade: 'WebSocket',
        connection: 'keep-alive, Upgrade',
      }),
    ).toBe(true);
  });

  it.each([
    ['a POST', 'POST', '/v1/responses', 'upgrade'],
    ['a Connection without upgrade', 'GET', '/v1/responses', 'keep-alive'],
    [
      'a Connection naming upgrade only in part',
      'GET',
      '/v1/responses',
      'upgrades',
    ],
    ['another route', 'GET', '/v1/models', 'upgrade'],
  ] as const)('is not %s', async (_name, method, url, connection) => {
    expect(
      await upgradeOf(method, url, { upgrade: 'websocket', connection }),
    ).toBe(false);
  });
});
