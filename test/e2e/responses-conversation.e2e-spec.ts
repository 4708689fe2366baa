import {
  Agent,
  run,
  setDefaultOpenAIClient,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  completion,
  textStream,
  toolCallStream,
} from '../support/chat-chunks.js';
import { type RecordedRequest } from '../support/fake-upstream.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const MODEL = 'fake-model';

describe('/v1/responses conversations', () => {
  const harness = useGatewayWithUpstream({
    env: {
      MAX_CONVERSATION_HISTORY: '5',
    },
  });

  it('continues a conversation by previous_response_id', async () => {
    harness.upstream.enqueue(
      { kind: 'json', body: completion({ content: 'Nice to meet you, Ada.' }) },
      { kind: 'stream', chunks: textStream(['Your name ', 'is Ada.']) },
    );
    const first = await harness.client.responses.create({
      model: MODEL,
      instructions: 'Be brief.',
      input: 'My name is Ada.',
    });
    const second = await harness.client.responses
      .stream({
        model: MODEL,
        previous_response_id: first.id,
        input: 'What is my name?',
      })
      .finalResponse();
    expect(second.previous_response_id).toBe(first.id);
    const sent = harness.upstream.chatRequests[1]!.body.messages as {
      role: string;
      content: unknown;
    }[];
    // instructions are not carried over; earlier input and output are.
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent[1]!.content)).toContain(
      'Nice to meet you, Ada.',
    );
    expect(JSON.stringify(sent[2]!.content)).toContain('What is my name?');
  });

  it('refuses an unknown previous_response_id with a 404', async () => {
    const error = await harness.client.responses
      .create({
        model: MODEL,
        previous_response_id: 'resp_missing',
        input: 'hi',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe(
      'previous_response_not_found',
    );
    expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe(
      'previous_response_id',
    );
    expect(harness.upstream.chatRequests).toHaveLength(0);
  });

  it('evicts the oldest response past MAX_CONVERSATION_HISTORY', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (
          await harness.client.responses.create({
            model: MODEL,
            input: `turn ${i}`,
          })
        ).id,
      );
    }
    await expect(
      harness.client.responses.retrieve(ids[0]!),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const last = await harness.client.responses.retrieve(ids[5]!);
    expect(last.id).toBe(ids[5]);
  });

  it('gets, lists input items of, and deletes a stored response', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'ok' }),
    });
    const created = await harness.client.responses.create({
      model: MODEL,
      input: [
        { role: 'developer', content: 'dev rules' },
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'input_text', text: 'two' }] },
      ],
    });
    const fetched = await harness.client.responses.retrieve(created.id);
    expect(fetched.output).toEqual(created.output);

    const all = await harness.client.responses.inputItems.list(created.id, {
      order: 'asc',
    });
    expect(all.data).toHaveLength(3);
    for (const item of all.data) {
      expect(item.id).toMatch(/^msg_/);
    }
    const page = await fetch(
      `${harness.gateway.url}/v1/responses/${created.id}/input_items?limit=2&order=asc`,
    );
    const body = (await page.json()) as any;
    expect(body.data).toHaveLength(2);
    expect(body.has_more).toBe(true);
    expect(body.first_id).toBe(all.data[0]!.id);
    const next = (await (
      await fetch(
        `${harness.gateway.url}/v1/responses/${created.id}/input_items?order=asc&after=${body.last_id}`,
      )
    ).json()) as any;
    expect(next.data.map((i: { id: string }) => i.id)).toEqual([
      all.data[2]!.id,
    ]);
    expect(next.has_more).toBe(false);
    const desc = await harness.client.responses.inputItems.list(created.id);
    expect(desc.data.map((i) => i.id)).toEqual(
      all.data.map((i) => i.id).reverse(),
    );

    await harness.client.responses.delete(created.id);
    await expect(
      harness.client.responses.retrieve(created.id),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const again = await fetch(
      `${harness.gateway.url}/v1/responses/${created.id}`,
      {
        method: 'DELETE',
      },
    );
    expect(again.status).toBe(404);
    expect(((await again.json()) as any).error.message).toContain(created.id);
  });

  it('continues a turn that referenced an item, and references that item again', async () => {
    const first = await harness.client.responses.create({
      model: MODEL,
      input: 'The code word is pelican.',
    });
    const [item] = (await harness.client.responses.inputItems.list(first.id))
      .data;
    const second = await harness.client.responses.create({
      model: MODEL,
      input: [
        { type: 'item_reference', id: item!.id },
        { role: 'user', content: 'Say it again.' },
      ],
    });
    // The stored input is the item the reference named.
    const secondInput = await harness.client.responses.inputItems.list(
      second.id,
      { order: 'asc' },
    );
    expect(secondInput.data[0]).toMatchObject({ id: item!.id, role: 'user' });
    const third = await harness.client.responses.create({
      model: MODEL,
      previous_response_id: second.id,
      input: 'Once more.',
    });
    await harness.client.responses.create({
      model: MODEL,
      input: [{ type: 'item_reference', id: item!.id }],
    });
    expect(third.previous_response_id).toBe(second.id);
    for (const index of [2, 3]) {
      expect(
        JSON.stringify(harness.upstream.chatRequests[index]!.body.messages),
      ).toContain('pelican');
    }
  });

  it('does not store a store:false response', async () => {
    const created = await harness.client.responses.create({
      model: MODEL,
      input: 'hi',
      store: false,
    });
    expect((created as unknown as { store: boolean }).store).toBe(false);
    await expect(
      harness.client.responses.retrieve(created.id),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('accepts full-history replay as Codex sends it', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: toolCallStream([
        { id: 'call_2', name: 'exec_command', arguments: '{"cmd":"ls"}' },
      ]),
    });
    const response = await harness.client.responses
      .stream({
        model: MODEL,
        instructions: 'You are Codex.',
        store: false,
        parallel_tool_calls: false,
        reasoning: null,
        include: [],
        prompt_cache_key: 'conversation-uuid',
        tool_choice: 'auto',
        tools: [
          {
            type: 'function',
            name: 'exec_command',
            parameters: {
              type: 'object',
              properties: { cmd: { type: 'string' } },
              required: ['cmd'],
            },
            strict: false,
          },
          { type: 'web_search', external_web_access: false } as never,
        ],
        input: [
          {
            type: 'message',
            role: 'developer',
            content: [{ type: 'input_text', text: 'sandbox rules' }],
          },
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'list files' }],
          },
          {
            type: 'reasoning',
            summary: [],
            content: [{ type: 'reasoning_text', text: 'run ls' }],
            encrypted_content: null,
          } as never,
          {
            type: 'function_call',
            name: 'exec_command',
            arguments: '{"cmd":"pwd"}',
            call_id: 'call_1',
          },
          { type: 'function_call_output', call_id: 'call_1', output: '/repo' },
          {
            type: 'message',
            role: 'assistant',
            content: [
              { type: 'output_text', text: 'In /repo.', annotations: [] },
            ],
          } as never,
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'now list' }],
          },
        ],
      })
      .finalResponse();
    expect(response.output[0]!.type).toBe('function_call');
    const sent = harness.upstream.chatRequests[0]!.body;
    expect(
      sent.tools.map((t: { function: { name: string } }) => t.function.name),
    ).toEqual(['exec_command']);
    const roles = (sent.messages as { role: string }[]).map((m) => m.role);
    // instructions and the developer message become one leading system message.
    expect(roles).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(sent.messages[0].content).toContain('You are Codex.');
    expect(sent.messages[0].content).toContain('sandbox rules');
    const callMessage = sent.messages[2];
    expect(callMessage.reasoning_content).toBe('run ls');
    expect(callMessage.tool_calls[0]).toMatchObject({
      id: 'call_1',
      function: { name: 'exec_command', arguments: '{"cmd":"pwd"}' },
    });
    expect(sent.messages[3]).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_1',
      content: '/repo',
    });
    expect(sent.parallel_tool_calls).toBe(false);
    expect(sent.prompt_cache_key).toBe('conversation-uuid');
  });

  it('runs an OpenAI Agents SDK agent with two function tools to completion', async () => {
    setTracingDisabled(true);
    setDefaultOpenAIClient(harness.client);
    harness.upstream.setHandler((request: RecordedRequest) => {
      const toolMessages = (request.body.messages as { role: string }[]).filter(
        (m) => m.role === 'tool',
      );
      const stream = request.body.stream === true;
      const call = (name: string, args: string) =>
        stream
          ? {
              kind: 'stream' as const,
              chunks: toolCallStream([
                { id: `call_${name}`, name, arguments: args },
              ]),
            }
          : {
              kind: 'json' as const,
              body: completion(
                {
                  content: null,
                  tool_calls: [
                    {
                      id: `call_${name}`,
                      type: 'function',
                      function: { name, arguments: args },
                    },
                  ],
                },
                'tool_calls',
              ),
            };
      if (toolMessages.length === 0) {
        return call('get_weather', '{"city":"Paris"}');
      }
      if (toolMessages.length === 1) {
        return call('get_time', '{"tz":"Europe/Paris"}');
      }
      const answer = 'Sunny, and it is noon.';
      return stream
        ? { kind: 'stream', chunks: textStream([answer]) }
        : { kind: 'json', body: completion({ content: answer }) };
    });
    const calls: string[] = [];
    const agent = new Agent({
      name: 'assistant',
      model: MODEL,
      instructions: 'Use the tools.',
      tools: [
        tool({
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: z.object({ city: z.string() }),
          execute: ({ city }) => {
            calls.push(`weather:${city}`);
            return 'sunny';
          },
        }),
        tool({
          name: 'get_time',
          description: 'Time in a zone',
          parameters: z.object({ tz: z.string() }),
          execute: ({ tz }) => {
            calls.push(`time:${tz}`);
            return '12:00';
          },
        }),
      ],
    });
    const result = await run(agent, 'Weather and time in Paris?');
    expect(result.finalOutput).toBe('Sunny, and it is noon.');
    expect(calls).toEqual(['weather:Paris', 'time:Europe/Paris']);
    const third = harness.upstream.chatRequests[2]!.body.messages as {
      role: string;
      content: unknown;
    }[];
    expect(
      third.filter((m) => m.role === 'tool').map((m) => m.content),
    ).toEqual(['sunny', '12:00']);

    const streamed = await run(agent, 'Again, streamed', { stream: true });
    for await (const _event of streamed) {
      // drain
    }
    await streamed.completed;
    expect(streamed.finalOutput).toBe('Sunny, and it is noon.');
  });
});
