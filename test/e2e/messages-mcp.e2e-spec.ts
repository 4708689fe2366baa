import { APIError, type Anthropic } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startMcpGateway,
  type McpGateway,
} from '../support/mcp-loop-clients.js';
import {
  callsReply,
  offeredTools,
  textReply,
  toolMessages,
} from '../support/mcp-loop-support.js';
import {
  EVERYTHING_BIN,
  nodeServer,
  TEST_SERVER_BIN,
} from '../support/mcp-servers.js';
import {
  messagesBody,
  messagesClient,
  postMessages,
  sseFrames,
  textOf,
  toolUsesOf,
  upstreamIdOf,
} from '../support/messages-http.js';

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};

/**
 * `/v1/messages` with the gateway's MCP tools: the model's calls of them run
 * server-side in the one tool loop, the client sees only what is its own
 * (its tools' calls, the final text), and a stream stays alive with `ping`
 * events while a tool runs.
 */
describe('/v1/messages with MCP tools run server-side', () => {
  let upstream: FakeUpstream;
  let mcp: McpGateway;
  let client: Anthropic;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    mcp = await startMcpGateway(
      upstream,
      {
        everything: nodeServer(EVERYTHING_BIN, ['stdio']),
        test: nodeServer(TEST_SERVER_BIN, [], { toolTimeoutMs: 20_000 }),
      },
      // Seconds: a ping after each second of silence.
      { KEEPALIVE_INTERVAL: '1', UPSTREAM_MAX_RETRIES: '0' },
    );
    client = messagesClient(mcp.gateway.url);
  });
  afterAll(async () => {
    await mcp?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  /** One Messages call; a stream is read to its final message, its events kept. */
  async function ask(
    body: Anthropic.MessageCreateParamsNonStreaming,
    stream: boolean,
    headers: Record<string, string> = {},
  ): Promise<{ message: Anthropic.Message; events: string[] }> {
    if (!stream) {
      return {
        message: await client.messages.create(body, { headers }),
        events: [],
      };
    }
    const events: string[] = [];
    const message = await client.messages
      .stream(body, { headers })
      .on('streamEvent', (event) => {
        events.push(
          event.type === 'content_block_start'
            ? `${event.type}:${event.content_block.type}`
            : event.type,
        );
      })
      .finalMessage();
    return { message, events };
  }

  describe.each([false, true])('stream: %s', (stream) => {
    it("runs the model's MCP call server-side and answers with the final text only", async () => {
      upstream.enqueue(
        callsReply(
          stream,
          [{ id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' }],
          'Let me add. ',
        ),
        textReply(stream, 'It is 5.'),
      );
      const { message, events } = await ask(messagesBody('2+3?'), stream);

      expect(offeredTools(upstream.chatRequests[0])).toContain('get-sum');
      expect(upstream.chatRequests).toHaveLength(2);
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_sum', content: 'The sum of 2 and 3 is 5.' },
      ]);
      expect(message.content.map((block) => block.type)).not.toContain(
        'tool_use',
      );
      expect(textOf(message)).toBe('Let me add. It is 5.');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.id).toMatch(/^msg_/);
      // Usage of both rounds (each 10 in, 20 out).
      expect(message.usage).toMatchObject({
        input_tokens: 20,
        output_tokens: 40,
      });
      if (stream) {
        expect(events).not.toContain('content_block_start:tool_use');
        expect(events.filter((e) => e === 'message_start')).toHaveLength(1);
        expect(events.at(-1)).toBe('message_stop');
      }
    });

    it("hands back only the client's own call when the model mixes it with an MCP call, and takes its result", async () => {
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_mcp', name: 'get-sum', arguments: '{"a":1,"b":1}' },
          {
            id: 'call_client',
            name: 'get_weather',
            arguments: '{"city":"Oslo"}',
          },
        ]),
      );
      const body = messagesBody('weather?', { tools: [weatherTool] });
      const { message } = await ask(body, stream);

      const calls = toolUsesOf(message);
      expect(calls.map(({ name, input }) => ({ name, input }))).toEqual([
        { name: 'get_weather', input: { city: 'Oslo' } },
      ]);
      expect(upstreamIdOf(calls[0]!.id)).toBe('call_client');
      expect(message.stop_reason).toBe('tool_use');
      expect(upstream.chatRequests).toHaveLength(1);

      upstream.enqueue(textReply(stream, 'Sunny in Oslo.'));
      const followUp = await ask(
        {
          ...body,
          messages: [
            ...body.messages,
            { role: 'assistant', content: message.content },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: calls[0]!.id,
                  content: 'sunny',
                },
              ],
            },
          ],
        },
        stream,
      );
      expect(textOf(followUp.message)).toBe('Sunny in Oslo.');
      expect(toolMessages(upstream.chatRequests[1])).toEqual([
        { tool_call_id: 'call_client', content: 'sunny' },
      ]);
      const history = upstream.chatRequests[1]!.body.messages as {
        role: string;
        tool_calls?: { id: string }[];
      }[];
      expect(
        history.flatMap((m) => m.tool_calls ?? []).map((c) => c.id),
      ).toEqual(['call_client']);
    });

    it('offers no MCP tools with x-mcp-tools: off, nor with tool_choice none', async () => {
      upstream.enqueue(textReply(stream, 'a'), textReply(stream, 'b'));
      await ask(messagesBody('x'), stream, { 'x-mcp-tools': 'off' });
      await ask(
        messagesBody('y', {
          tools: [weatherTool],
          tool_choice: { type: 'none' },
        }),
        stream,
      );

      expect(offeredTools(upstream.chatRequests[0])).toEqual([]);
      expect(offeredTools(upstream.chatRequests[1])).toEqual(['get_weather']);
    });

    it('offers no MCP tools with tool_choice none and no tools of its own', async () => {
      upstream.enqueue(textReply(stream, 'a'), textReply(stream, 'b'));
      await ask(messagesBody('x', { tool_choice: { type: 'none' } }), stream);
      await ask(messagesBody('y'), stream);

      expect(offeredTools(upstream.chatRequests[0])).toEqual([]);
      // The same request without `none` is offered the servers' tools.
      expect(offeredTools(upstream.chatRequests[1]).length).toBeGreaterThan(0);
    });
  });

  it('sends ping events while a slow MCP tool runs, only between message_start and message_stop', async () => {
    upstream.enqueue(
      callsReply(
        true,
        [{ id: 'call_sleep', name: 'sleep', arguments: '{"ms":3000}' }],
        'Waiting. ',
      ),
      textReply(true, 'Slept.'),
    );
    const answer = await postMessages(
      mcp.gateway.url,
      messagesBody('sleep', { stream: true }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    const frames = sseFrames(await answer.text());

    for (const frame of frames) {
      expect(frame.event).toBe(frame.data['type']);
    }
    const types = frames.map((frame) => frame.data['type']);
    const pings = types.flatMap((type, at) => (type === 'ping' ? [at] : []));
    expect(pings.length).toBeGreaterThan(0);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    // The pings fall while the tool ran: after the first round's text,
    // before the second round's.
    const deltaWith = (piece: string): number =>
      frames.findIndex((frame) =>
        String(
          (frame.data['delta'] as { text?: unknown } | undefined)?.text,
        ).includes(piece),
      );
    expect(deltaWith('Wait')).toBeGreaterThan(0);
    expect(pings[0]).toBeGreaterThan(deltaWith('Wait'));
    expect(pings.at(-1)).toBeLessThan(deltaWith('Slept'));
    expect(toolMessages(upstream.chatRequests[1])).toEqual([
      { tool_call_id: 'call_sleep', content: 'slept' },
    ]);
  });

  it('ends the stream with an api_error event when the round after a tool fails', async () => {
    upstream.enqueue(
      callsReply(
        true,
        [{ id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' }],
        'Let me add. ',
      ),
      {
        kind: 'error',
        status: 500,
        body: { error: { message: 'engine died', type: 'server_error' } },
      },
    );
    const answer = await postMessages(
      mcp.gateway.url,
      messagesBody('2+3?', { stream: true }),
    );
    expect(answer.status).toBe(200);
    const frames = sseFrames(await answer.text());
    const types = frames.map((frame) => frame.event);
    expect(types[0]).toBe('message_start');
    expect(types).not.toContain('message_stop');
    expect(types.filter((type) => type === 'error')).toHaveLength(1);
    expect(frames.at(-1)).toEqual({
      event: 'error',
      data: {
        type: 'error',
        error: { type: 'api_error', message: expect.any(String) },
      },
    });
    expect(upstream.chatRequests).toHaveLength(2);
    // The SDK rejects such a stream with an APIError.
    upstream.enqueue(
      callsReply(
        true,
        [{ id: 'call_sum', name: 'get-sum', arguments: '{"a":2,"b":3}' }],
        'Let me add. ',
      ),
      { kind: 'error', status: 500, body: { error: { message: 'again' } } },
    );
    const outcome = await client.messages
      .stream(messagesBody('2+3?'))
      .finalMessage()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(APIError);
  });
});
