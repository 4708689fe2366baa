import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { limitBody } from './limit-body.js';
import { ProxyService } from './proxy.service.js';

/**
 * Registers the catch-all `/v1/*` route, and `/{upstream}/v1/*` for a named
 * upstream, as an encapsulated Fastify plugin.
 * Inside it, every content type is handed over as the raw request stream, so
 * proxied bodies (uploads, audio, JSON) are streamed rather than parsed,
 * still within the body limit.
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
      const limit = fastify.initialConfig.bodyLimit ?? Infinity;
      scope.addContentTypeParser('*', (request, payload, parsed) => {
        try {
          parsed(
            null,
            limitBody(payload, request.headers['content-length'], limit),
          );
        } catch (error) {
          parsed(error as Error, undefined);
        }
      });
      scope.all('/v1/*', (request, reply) => this.proxy.handle(request, reply));
      // A static `/v1` segment wins over the parameter, so `/v1/...` never
      // lands here; an unknown upstream name answers 404.
      scope.all('/:upstream/v1/*', (request, reply) =>
        this.proxy.handle(
          request,
          reply,
          (request.params as { upstream: string }).upstream,
        ),
      );
      done();
    });
  }
}
