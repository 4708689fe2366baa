import { describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import {
  openAi,
  openResponses,
  validator,
} from '../support/openapi-documents.js';
import { expectSchemaValid } from '../support/responses-assertions.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { startGateway } from '../support/gateway-harness.js';

const MODEL = 'fake-model';
const SUMMARY = 'SUMMARY: the user is building a landing page in index.html.';

interface Compacted {
  id: string;
  object: string;
  output: Record<string, unknown>[];
  created_at: number;
  usage: Record<string, unknown>;
}

function expectCompactResource(body: unknown): void {
  for (const spec of [openAi(), openResponses()]) {
    const validate = validator(spec, 'CompactResource');
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  }
}

describe('POST /v1/responses/compact', () => {
  const harness = useGatewayWithUpstream({
    env: {
      COMPACTION_SECRET: 'test-compaction-secret-0123456789',
    },
  });

  async function compact(
    body: Record<string, unknown>,
    path = '/v1/responses/compact',
  ): Promise<Response> {
    return fetch(`${harness.gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('compacts, and the next turn sees the summary in place of the item', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: SUMMARY }),
    });
    const response = await compact({
      model: MODEL,
      input: [
        { role: 'user', content: 'Build a landing page for a cafe.' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Wrote index.html.' }],
        },
      ],
    });
    expect(response.status).toBe(200);
    const compacted = (await response.json()) as Compacted;
    expectCompactResource(compacted);
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.usage['total_tokens']).toBe(30);
    const item = compacted.output.at(-1)!;
    expect(item).toMatchObject({ type: 'compaction' });
    expect(String(item['encrypted_content'])).not.toContain('landing');
    expect(compacted.output.slice(0, -1)).toMatchObject([
      { type: 'message', role: 'user' },
    ]);

    // The model was asked for a summary of the whole conversation.
    const asked = harness.upstream.chatRequests[0]!.body as {
      messages: { role: string; content: string }[];
    };
    expect(asked.messages[0]!.role).toBe('system');
    expect(asked.messages[1]!.content).toContain('Wrote index.html.');

    const next = await harness.client.responses.create({
      model: MODEL,
      input: [
        ...(compacted.output as never[]),
        { role: 'user', content: 'Now add a menu.' },
      ],
    });
    expectSchemaValid([], next);
    const seen = JSON.stringify(
      harness.upstream.chatRequests[1]!.body.messages,
    );
    expect(seen).toContain('Summary of the earlier conversation');
    expect(seen).toContain(SUMMARY.slice(0, 30));
    expect(seen).not.toContain('Wrote index.html.');
  });

  it('serves /responses/compact and compacts a stored conversation', async () => {
    const first = await harness.client.responses.create({
      model: MODEL,
      input: 'remember the word cobalt',
    });
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: SUMMARY }),
    });
    const response = await compact(
      { model: MODEL, previous_response_id: first.id },
      '/responses/compact',
    );
    expect(response.status).toBe(200);
    expectCompactResource(await response.json());
    expect(
      JSON.stringify(harness.upstream.chatRequests[1]!.body.messages),
    ).toContain('cobalt');
  });

  it('resolves an item_reference to an item stored by an earlier response, as a create turn does', async () => {
    const earlier = await harness.client.responses.create({
      model: MODEL,
      input: 'remember the word saffron',
    });
    const [item] = (await harness.client.responses.inputItems.list(earlier.id))
      .data;
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: SUMMARY }),
    });
    const response = await compact({
      model: MODEL,
      input: [
        { type: 'item_reference', id: item!.id },
        { role: 'user', content: 'and the colour?' },
      ],
    });
    expect(response.status).toBe(200);
    const compacted = (await response.json()) as Compacted;
    expectCompactResource(compacted);
    expect(
      JSON.stringify(harness.upstream.chatRequests.at(-1)!.body.messages),
    ).toContain('saffron');
    // The referenced message is the user's own: kept verbatim.
    expect(compacted.output[0]).toMatchObject({ id: item!.id, role: 'user' });
  });

  it('answers an item_reference that names no stored item with a 400 on input', async () => {
    const response = await compact({
      model: MODEL,
      input: [{ type: 'item_reference', id: 'msg_unknown' }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'input' },
    });
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });

  it('answers a tampered compaction item with a 400 naming it', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: SUMMARY }),
    });
    const compacted = (await (
      await compact({ model: MODEL, input: 'hello' })
    ).json()) as Compacted;
    const item = compacted.output.at(-1)!;
    const sealed = String(item['encrypted_content']);
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    for (const encrypted of [flipped, 'bm90IGEgc2VhbA', '']) {
      const response = await fetch(`${harness.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          input: [
            { type: 'compaction', encrypted_content: encrypted },
            { role: 'user', content: 'go on' },
          ],
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          type: 'invalid_request_error',
          param: 'input[0].encrypted_content',
        },
      });
    }
    expect(harness.upstream.chatRequests).toHaveLength(1);
  });

  it('checks conversation as a create request does: malformed, or with previous_response_id, is a 400', async () => {
    const malformed = await compact({
      model: MODEL,
      input: 'hello',
      conversation: 'not-a-conversation-id',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'conversation' },
    });
    const both = await compact({
      model: MODEL,
      previous_response_id: 'resp_any',
      conversation: 'conv_any',
    });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({
      error: { code: 'mutually_exclusive_parameters' },
    });
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });

  it('answers a missing model with a 400', async () => {
    const response = await compact({ input: 'hello' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'model' },
    });
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });
});

describe('compaction items across gateways', () => {
  it('do not open on a gateway with another COMPACTION_SECRET', async () => {
    const upstream = await FakeUpstream.start();
    const first = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      COMPACTION_SECRET: 'first-secret-0123456789abcdef',
    });
    upstream.enqueue({ kind: 'json', body: completion({ content: SUMMARY }) });
    const compacted = (await (
      await fetch(`${first.url}/v1/responses/compact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: 'hi' }),
      })
    ).json()) as Compacted;
    await first.close();
    const second = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      COMPACTION_SECRET: 'second-secret-0123456789abcdef',
    });
    try {
      const response = await fetch(`${second.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, input: compacted.output }),
      });
      expect(response.status).toBe(400);
    } finally {
      await second.close();
      await upstream.close();
    }
  });
});
