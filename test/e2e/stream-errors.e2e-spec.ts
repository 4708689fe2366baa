import { describe, expect, it } from 'vitest';
import { chunk } from '../support/chat-chunks.js';
import { sseData } from '../support/error-expectations.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const READ_TIMEOUT_MS = 300;

const chatBody = {
  model: 'fake-model',
  messages: [{ role: 'user', content: 'hi' }],
};

/**
 * Once the first byte is out, a failure cannot become an HTTP status: the
 * stream must end with one final `data: {"error":…}` event, and never hang.
 */
describe('stream errors', () => {
  const harness = useGatewayWithUpstream({
    env: {
      UPSTREAM_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
    },
  });

  const streamChat = () =>
    fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...chatBody, stream: true }),
    });

  describe('upstream failures mid-stream', () => {
    /** The stream ends with exactly one error event, after the first chunk. */
    const expectErrorEnding = (data: string[], code: string): void => {
      expect(JSON.parse(data[0]!).choices[0].delta.content).toBe('first');
      const errors = data.filter((d) => d.includes('"error"'));
      expect(errors).toHaveLength(1);
      expect(data.at(-1)).toBe(errors[0]);
      expect(data).not.toContain('[DONE]');
      const { error } = JSON.parse(data.at(-1)!);
      expect(Object.keys(error).sort()).toEqual([
        'code',
        'message',
        'param',
        'type',
      ]);
      expect(error.code).toBe(code);
    };

    it('ends with one error event after an in-band upstream error', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [
          chunk({ content: 'first' }),
          {
            error: { message: 'engine died', type: 'server_error', code: 500 },
          },
          chunk({ content: 'never' }),
        ],
      });
      const data = await sseData(await streamChat());
      expectErrorEnding(data, 'upstream_error');
      expect(data.join()).toContain('engine died');
      expect(data.join()).not.toContain('never');
    });

    it('ends with one error event when the upstream socket dies', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [chunk({ content: 'first' }), chunk({ content: 'b' })],
        stallAfter: 1,
      });
      const response = await streamChat();
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      // Only once the first chunk reached the client does the upstream die.
      harness.upstream.dropConnections();
      let rest = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        rest += new TextDecoder().decode(r.value);
      }
      const data = `${first}${rest}`
        .split('\n\n')
        .filter(Boolean)
        .map((frame) => frame.replace(/^data: /, ''));
      expectErrorEnding(data, 'upstream_unreachable');
    });

    it('ends with one error event when the upstream stalls beyond the read timeout', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [chunk({ content: 'first' }), chunk({ content: 'b' })],
        stallAfter: 1,
      });
      expectErrorEnding(await sseData(await streamChat()), 'upstream_timeout');
      await harness.upstream.waitForAborts(1);
    });

    it('ends with one error event when the stream stops without [DONE] or finish_reason', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [chunk({ content: 'first' }), chunk({ content: 'b' })],
        done: false,
      });
      expectErrorEnding(
        await sseData(await streamChat()),
        'upstream_bad_response',
      );
    });

    it('ends with one error event for a malformed chunk', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [chunk({ content: 'first' }), 'data: {"choices": [\n\n'],
      });
      expectErrorEnding(
        await sseData(await streamChat()),
        'upstream_bad_response',
      );
    });

    it('accepts a stream that ends with finish_reason but no [DONE]', async () => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: [chunk({ content: 'first' }), chunk({}, 'stop')],
        done: false,
      });
      const data = await sseData(await streamChat());
      expect(data.at(-1)).toBe('[DONE]');
      expect(data.join()).not.toContain('"error"');
    });
  });
});
