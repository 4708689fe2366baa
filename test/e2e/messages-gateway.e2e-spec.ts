import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { chunk, usageChunk } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  answerText,
  expectAnthropicError,
  expectSdkError,
  messagesBody,
  messagesClient,
  postMessages,
  textOf,
  type MessagesCredential,
} from '../support/messages-http.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from '../reliability/support/logged-gateway.js';

const UPSTREAM_KEY = 'sk-upstream-secret-93d1';
const LISTED_KEY = 'sk-ant-listed-key-4410';
const CLAUDE_KEY = 'sk-ant-team-claude-2207';
const RPM_KEY = 'sk-ant-team-rpm-6618';
const TPM_KEY = 'sk-ant-team-tpm-3052';
const SECRETS = [UPSTREAM_KEY, LISTED_KEY, CLAUDE_KEY, RPM_KEY, TPM_KEY];
const BODY_LIMIT_BYTES = 16_384;
const ANSWER = 'Hello from upstream.';

const KEYS_FILE = `keys:
  - { name: team-claude, key: ${CLAUDE_KEY}, models: [fake-model] }
  - { name: team-rpm, key: ${RPM_KEY}, requests_per_minute: 2 }
  - { name: team-tpm, key: ${TPM_KEY}, tokens_per_minute: 400 }
`;

/**
 * `/v1/messages` behind the gateway's own machinery, through the official
 * Anthropic client: per-key model access and rate limits, the body limit
 * and validation, all answered in Anthropic's error shape before any
 * upstream call; metrics by route and tenant; and no key in /metrics or in
 * any log line (the keys themselves: messages-auth.e2e-spec.ts).
 */
describe('/v1/messages: named keys, limits, validation and metrics', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;
  let dir: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'messages-gateway-'));
    const keysFile = join(dir, 'keys.yaml');
    await writeFile(keysFile, KEYS_FILE);
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      GATEWAY_API_KEYS: LISTED_KEY,
      GATEWAY_KEYS_FILE: keysFile,
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
      UPSTREAM_MAX_RETRIES: '0',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    upstream.reset();
    upstream.setHandler(answerText(ANSWER));
  });

  const client = (credential: MessagesCredential): Anthropic =>
    messagesClient(gateway.url, credential);
  const scrape = async (): Promise<Metrics> =>
    new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());

  describe('named keys', () => {
    it('refuses a model the key may not use with 403 permission_error before any upstream call', async () => {
      const sut = client({ apiKey: CLAUDE_KEY });
      const refused = messagesBody('hi', { model: 'fake-model-2' });
      await expectSdkError(
        sut.messages.create(refused),
        Anthropic.PermissionDeniedError,
        403,
        'permission_error',
      );
      await expectSdkError(
        sut.messages.stream(refused).finalMessage(),
        Anthropic.PermissionDeniedError,
        403,
        'permission_error',
      );
      await expectAnthropicError(
        await postMessages(gateway.url, refused, { 'x-api-key': CLAUDE_KEY }),
        403,
        'permission_error',
      );
      expect(upstream.requests).toEqual([]);
      // The model it may use goes through.
      const allowed = await sut.messages.create(messagesBody('hi'));
      expect(textOf(allowed)).toBe(ANSWER);
      expect(upstream.chatRequests).toHaveLength(1);
    });

    it('answers past requests_per_minute with 429 rate_limit_error and retry-after', async () => {
      const sut = client({ apiKey: RPM_KEY });
      await sut.messages.create(messagesBody('one'));
      await sut.messages.stream(messagesBody('two')).finalMessage();
      const error = await expectSdkError(
        sut.messages.create(messagesBody('three')),
        Anthropic.RateLimitError,
        429,
        'rate_limit_error',
      );
      const retryAfter = Number(error.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      await expectSdkError(
        sut.messages.stream(messagesBody('four')).finalMessage(),
        Anthropic.RateLimitError,
        429,
        'rate_limit_error',
      );
      expect(upstream.chatRequests).toHaveLength(2);
    });

    it("settles tokens_per_minute from a stream's usage chunk, then answers 429 rate_limit_error", async () => {
      const text = JSON.stringify({
        ...messagesBody('hi'),
        max_tokens: 16,
        stream: true,
      });
      const estimate = Math.ceil(Buffer.byteLength(text) / 4) + 16;
      expect(estimate).toBeGreaterThan(20);
      upstream.enqueue({
        kind: 'stream',
        chunks: [
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'hello' }),
          chunk({}, 'stop'),
          usageChunk(300, 80),
        ],
      });
      const headers = { 'x-api-key': TPM_KEY };
      const first = await postMessages(gateway.url, text, headers);
      expect(first.headers.get('content-type')).toContain('text/event-stream');
      expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(
        String(400 - estimate),
      );
      expect(await first.text()).toContain('event: message_stop');
      // 380 used of 400: the next estimate does not fit.
      const second = await postMessages(gateway.url, text, headers);
      expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe('20');
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(
        1,
      );
      await expectAnthropicError(second, 429, 'rate_limit_error');
      expect(upstream.chatRequests).toHaveLength(1);
    });
  });

  describe('bodies', () => {
    it('answers a body over BODY_LIMIT_BYTES with 413 request_too_large', async () => {
      const big = messagesBody('x'.repeat(BODY_LIMIT_BYTES));
      await expectSdkError(
        client({ apiKey: LISTED_KEY }).messages.create(big),
        Anthropic.ContentTooLargeError,
        413,
        'request_too_large',
      );
      await expectAnthropicError(
        await postMessages(gateway.url, big, { 'x-api-key': LISTED_KEY }),
        413,
        'request_too_large',
      );
      expect(upstream.requests).toEqual([]);
    });

    it('answers invalid JSON with 400 invalid_request_error', async () => {
      await expectAnthropicError(
        await postMessages(gateway.url, '{"model": "fake-model", ', {
          'x-api-key': LISTED_KEY,
        }),
        400,
        'invalid_request_error',
      );
      expect(upstream.requests).toEqual([]);
    });

    it('answers a body without max_tokens with 400 naming the field', async () => {
      const { max_tokens: _dropped, ...body } = messagesBody('hi');
      const message = await expectAnthropicError(
        await postMessages(gateway.url, body, { 'x-api-key': LISTED_KEY }),
        400,
        'invalid_request_error',
      );
      expect(message).toContain('max_tokens');
      const error = await expectSdkError(
        client({ apiKey: LISTED_KEY }).messages.create(
          body as Anthropic.MessageCreateParamsNonStreaming,
        ),
        Anthropic.BadRequestError,
        400,
        'invalid_request_error',
      );
      expect(error.apiMessage).toContain('max_tokens');
      expect(upstream.requests).toEqual([]);
    });
  });

  describe('metrics and logs', () => {
    it('counts /v1/messages by route and status, and its tokens by tenant', async () => {
      const before = await scrape();
      const sut = client({ apiKey: CLAUDE_KEY });
      await sut.messages.create(messagesBody('hi'));
      await sut.messages.stream(messagesBody('hi')).finalMessage();
      await sut.messages
        .create(messagesBody('hi', { model: 'fake-model-2' }))
        .catch(() => undefined);
      const after = await scrape();
      const route = { route: '/v1/messages', method: 'POST' };
      expect(
        after.delta(before, 'gateway_requests_total', {
          ...route,
          status: '200',
          tenant: 'team-claude',
        }),
      ).toBe(2);
      expect(
        after.delta(before, 'gateway_requests_total', {
          ...route,
          status: '403',
        }),
      ).toBe(1);
      for (const [direction, tokens] of [
        ['input', 20],
        ['output', 40],
      ] as const) {
        expect(
          after.delta(before, 'gateway_tokens_total', {
            tenant: 'team-claude',
            direction,
          }),
        ).toBe(tokens);
      }
    });

    it('never writes a key in /metrics or in a log line', async () => {
      await client({ apiKey: CLAUDE_KEY }).messages.create(messagesBody('hi'));
      await client({ authToken: LISTED_KEY })
        .messages.stream(messagesBody('hi'))
        .finalMessage();
      await client({ apiKey: `${RPM_KEY}-wrong` })
        .messages.create(messagesBody('hi'))
        .catch(() => undefined);
      const metricsText = (await scrape()).text;
      expect(metricsText).toContain('route="/v1/messages"');
      const logs = gateway.lines.join('');
      expect(logs).toContain('/v1/messages');
      for (const secret of SECRETS) {
        expect(metricsText).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });
  });
});
