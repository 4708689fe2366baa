import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestDto } from '../chat-completions/chat-completion-request.dto.js';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import { callerRequestOf } from './caller-request.js';
import { setRequestTenant } from './request-tenant.js';

/** The parts of a Fastify request that callerRequestOf reads. */
function fastifyRequest(body: unknown, params: object = {}): FastifyRequest {
  return {
    body,
    params,
    headers: { 'x-tool-call-format': 'tags' },
    raw: {},
  } as unknown as FastifyRequest;
}

const BODY = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe(callerRequestOf.name, () => {
  it('reads the body, headers, tenant and the named upstream of a request', () => {
    const request = fastifyRequest(BODY, { upstream: 'vllm' });
    const tenant = { name: 'team-a' } as unknown as Tenant;
    setRequestTenant(request, tenant);

    const read = callerRequestOf(request, ChatCompletionRequestDto);

    expect(read.body).toBe(BODY);
    expect(read.headers).toEqual({ 'x-tool-call-format': 'tags' });
    expect(read.tenant).toBe(tenant);
    expect(read.upstreamName).toBe('vllm');
  });

  it('has no tenant without inbound auth, and no upstream on the plain path', () => {
    const read = callerRequestOf(
      fastifyRequest(BODY),
      ChatCompletionRequestDto,
    );

    expect(read.tenant).toBeUndefined();
    expect(read.upstreamName).toBeUndefined();
  });

  it.each([
    ['a body that is not an object', [1, 2]],
    ['a field of the wrong type', { ...BODY, stream: 'yes' }],
    ['a missing field', { messages: [] }],
  ])('refuses %s as the global pipe refuses a @Body()', (_case, body) => {
    expect(() =>
      callerRequestOf(fastifyRequest(body), ChatCompletionRequestDto),
    ).toThrow(GatewayException);
  });
});
