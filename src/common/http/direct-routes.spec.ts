import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  HttpCode,
  Module,
  Post,
  Req,
  Res,
  UseGuards,
  type Type,
} from '@nestjs/common';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayException } from '../errors/gateway.exception.js';
import { OpenAiExceptionFilter } from '../errors/openai-exception.filter.js';
import { DirectRoute, installDirectRoutes } from './direct-routes.js';

/** The stack each direct handler saw, to tell who called it. */
const stacks: string[] = [];

@Controller(['v1/things', 'things'])
class ThingsController {
  @Post()
  @HttpCode(200)
  @DirectRoute()
  create(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    stacks.push(new Error().stack ?? '');
    const body = request.body as { fail?: string };
    if (body.fail === 'sync') {
      throw new GatewayException('invalid_request', 'sync failure', {
        param: 'fail',
      });
    }
    if (body.fail === 'async') {
      return Promise.reject(new Error('a bug'));
    }
    return Promise.resolve(reply.send({ ok: true }));
  }

  @Post(['made', ':upstream/made'])
  @HttpCode(201)
  @DirectRoute()
  make(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { upstream } = request.params as { upstream?: string };
    void reply.send({ upstream: upstream ?? null });
    return Promise.resolve();
  }

  /** Not direct: Nest's route, for comparison. */
  @Post('nested')
  @HttpCode(200)
  nested(@Req() _request: FastifyRequest, @Res() reply: FastifyReply) {
    stacks.push(new Error().stack ?? '');
    void reply.send({ ok: true });
  }
}

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller()
class GuardedController {
  @Post('guarded')
  @UseGuards(AllowAll)
  @DirectRoute()
  create(@Req() _request: FastifyRequest, @Res() reply: FastifyReply) {
    void reply.send({});
  }
}

@Controller()
class BodyController {
  @Post('with-body')
  @DirectRoute()
  create(@Body() _body: unknown, @Res() reply: FastifyReply) {
    void reply.send({});
  }
}

let app: NestFastifyApplication | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
  stacks.length = 0;
});

async function started(controller: Type, prefix?: string): Promise<string> {
  @Module({ controllers: [controller] })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [TestModule],
  }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(),
    { logger: false },
  );
  if (prefix !== undefined) {
    app.setGlobalPrefix(prefix);
  }
  const filter = new OpenAiExceptionFilter();
  app.useGlobalFilters(filter);
  installDirectRoutes(app, app.getHttpAdapter().getInstance(), filter);
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, json: await answer.json() };
}

describe('direct routes', () => {
  it('calls a marked handler from Fastify, past Nest, on every path of its controller', async () => {
    const url = await started(ThingsController);
    for (const path of ['/v1/things', '/things']) {
      expect(await post(`${url}${path}`, {})).toEqual({
        status: 200,
        json: { ok: true },
      });
    }
    expect(await post(`${url}/things/nested`, {})).toEqual({
      status: 200,
      json: { ok: true },
    });
    const [direct, alsoDirect, nested] = stacks;
    expect(direct).not.toContain('router-execution-context');
    expect(alsoDirect).not.toContain('router-execution-context');
    // The comparison holds: Nest's route does show in its handler's stack.
    expect(nested).toContain('router-execution-context');
  });

  it("sets the handler's status code and reads its path parameters", async () => {
    const url = await started(ThingsController);
    expect(await post(`${url}/things/made`, {})).toEqual({
      status: 201,
      json: { upstream: null },
    });
    expect(await post(`${url}/v1/things/local/made`, {})).toEqual({
      status: 201,
      json: { upstream: 'local' },
    });
  });

  it('renders what the handler throws or rejects with through the exception filter', async () => {
    const url = await started(ThingsController);
    expect(await post(`${url}/v1/things`, { fail: 'sync' })).toEqual({
      status: 400,
      json: {
        error: {
          message: 'sync failure',
          type: 'invalid_request_error',
          param: 'fail',
          code: 'invalid_request',
        },
      },
    });
    const bug = await post(`${url}/v1/things`, { fail: 'async' });
    expect(bug.status).toBe(500);
    expect(bug.json).toMatchObject({ error: { type: 'server_error' } });
    expect(JSON.stringify(bug.json)).not.toContain('a bug');
  });

  it('refuses to start with a handler that has a guard, or takes more than the raw request and reply', async () => {
    await expect(started(GuardedController)).rejects.toThrow(
      /GuardedController\.create cannot be a direct route/,
    );
    await expect(started(BodyController)).rejects.toThrow(
      /BodyController\.create cannot be a direct route/,
    );
  });

  it('refuses to start when a direct route it expects was never registered (a path it cannot know)', async () => {
    await expect(started(ThingsController, 'api')).rejects.toThrow(
      /direct routes never registered: POST \/v1\/things, POST \/things/,
    );
  });
});
