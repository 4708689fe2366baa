import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Observable } from 'rxjs';
import { afterEach, expect, it } from 'vitest';
import { dataFrame, writeSse } from './sse-writer.js';

const format = {
  frame: (event: unknown) => dataFrame(event),
  errorFrame: () => '',
};

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// A client may leave while an async hook runs (the key check, the limits)
// or while its events are prepared: its 'close' is then already over when
// the stream starts, and waiting for it would keep the upstream call going.
it('starts no stream, and no upstream call, for a client that already left', async () => {
  const app = Fastify();
  close = () => app.close();
  let subscribed = false;
  let entered!: () => void;
  const inHook = new Promise<void>((resolve) => (entered = resolve));
  let streamEnded: Promise<void> | undefined;
  let handled!: () => void;
  const inHandler = new Promise<void>((resolve) => (handled = resolve));
  app.get(
    '/sse',
    {
      preHandler: (request, _reply, done) => {
        entered();
        request.raw.socket.once('close', () => done());
      },
    },
    (_request, reply) => {
      const upstream$ = new Observable(() => {
        subscribed = true;
      });
      streamEnded = writeSse(reply, upstream$, format);
      handled();
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const client = httpRequest({ host: '127.0.0.1', port, path: '/sse' });
  client.on('error', () => undefined);
  client.end();
  await inHook;
  client.destroy();

  await inHandler;
  await streamEnded;
  expect(subscribed).toBe(false);
});
