import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ProxyService } from './proxy.service.js';

/**
 * Registers the catch-all `/v1/*` route as an encapsulated Fastify plugin.
 * Inside it, every content type is handed over as the raw request stream, so
 * proxied bodies (uploads, audio, JSON) are streamed rather than parsed.
 * Routes that feature modules declare are static and win over the wildcard.
 */
@Injectable()
export class ProxyRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly proxy: ProxyService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, parsed) => {
        parsed(null, payload);
      });
      scope.all('/v1/*', (request, reply) => this.proxy.handle(request, reply));
      done();
    });
  }
}
