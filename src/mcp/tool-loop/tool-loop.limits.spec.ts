import { describe, expect, it } from 'vitest';
import {
  textStream,
  toolCallStream,
} from '../../../test/support/chat-chunks.js';
import type {
  ChatCompletionRequest,
  ChatFunctionTool,
} from '../../protocol/chat-completion.types.js';
import { runToolLoop } from './tool-loop.js';
import {
  kinds,
  request,
  run,
  ScriptedModel,
  tool,
} from './tool-loop.test-support.js';
import type { ServerToolCall } from './tool-loop.types.js';

const fn = (name: string): ChatFunctionTool => ({
  type: 'function',
  function: { name, parameters: { type: 'object' } },
});

const offeredNames = (body: ChatCompletionRequest | undefined) =>
  (body?.tools ?? []).map((t) => t.function.name);

const twoCalls = toolCallStream([
  { id: 'call_a', name: 'echo', arguments: '{"n":1}' },
  { id: 'call_b', name: 'add', arguments: '{"n":2}' },
]);

const withTools: ChatCompletionRequest = {
  ...request,
  tools: [fn('get_weather'), fn('echo'), fn('add')],
  tool_choice: 'required',
  parallel_tool_calls: true,
};

describe(`${runToolLoop.name}: maxToolCalls`, () => {
  it('runs the calls within the cap, ignores the rest, and offers no server tool after', async () => {
    const echo = tool('echo');
    const add = tool('add');
    const model = new ScriptedModel([twoCalls, textStream(['done'])]);
    const ignored: ServerToolCall[][] = [];
    const events = await run(
      model,
      [echo, add],
      { maxToolCalls: 1, onIgnored: (calls) => ignored.push([...calls]) },
      withTools,
    );

    expect(kinds(events)).toEqual([
      'tool_call_started',
      'tool_call_finished',
      'finished:answer:stop',
    ]);
    expect(echo.calls).toEqual(['{"n":1}']);
    expect(add.calls).toEqual([]);
    expect(ignored.map((calls) => calls.map((c) => c.id))).toEqual([
      ['call_b'],
    ]);
    const next = model.requests[1];
    // Both calls of the assistant message get a result; the ignored one says why.
    expect(
      next?.messages.slice(2).map((m) => [m.tool_call_id, m.content]),
    ).toEqual([
      ['call_a', 'echo got {"n":1}'],
      [
        'call_b',
        'Error: Not run: this response reached its limit of 1 tool calls (max_tool_calls).',
      ],
    ]);
    expect(offeredNames(next)).toEqual(['get_weather']);
    expect(next?.['tool_choice']).toBe('auto');
  });

  it('drops tools, tool_choice and parallel_tool_calls when only server tools were offered', async () => {
    const model = new ScriptedModel([twoCalls, textStream(['done'])]);
    await run(
      model,
      [tool('echo'), tool('add')],
      { maxToolCalls: 2 },
      { ...withTools, tools: [fn('echo'), fn('add')] },
    );

    expect(model.requests).toHaveLength(2);
    expect(model.requests[1]).not.toHaveProperty('tools');
    expect(model.requests[1]).not.toHaveProperty('tool_choice');
    expect(model.requests[1]).not.toHaveProperty('parallel_tool_calls');
  });

  it('ignores a server call made after the cap and ends with the answer', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([
      toolCallStream([{ id: 'call_1', name: 'echo', arguments: '{}' }]),
      toolCallStream([{ id: 'call_2', name: 'echo', arguments: '{}' }], 'So '),
    ]);
    const events = await run(model, [echo], { maxToolCalls: 1 });

    expect(kinds(events)).toEqual([
      'tool_call_started',
      'tool_call_finished',
      'finished:answer:stop',
    ]);
    expect(echo.calls).toHaveLength(1);
    expect(model.requests).toHaveLength(2);
  });

  it('counts a call sent for approval, and ignores the calls after it', async () => {
    const guarded = tool('echo', undefined, true);
    const add = tool('add');
    const model = new ScriptedModel([twoCalls]);
    const events = await run(model, [guarded, add], { maxToolCalls: 1 });

    expect(kinds(events)).toEqual([
      'approval_requested',
      'finished:approval:stop',
    ]);
    expect(add.calls).toEqual([]);
  });

  it('runs approved calls within the cap only', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([textStream(['ok'])]);
    const approved = (id: string) => ({
      call: { id, name: 'echo', arguments: '{}', tool: echo },
      approvalRequestId: id,
      approved: true,
    });
    await run(
      model,
      [echo],
      { maxToolCalls: 1, resumed: [approved('mcpr_1'), approved('mcpr_2')] },
      { ...request, tools: [fn('echo')] },
    );

    expect(echo.calls).toHaveLength(1);
    expect(model.requests[0]?.messages.at(-1)?.content).toMatch(
      /^Error: Not run: .*max_tool_calls/,
    );
    expect(model.requests[0]).not.toHaveProperty('tools');
  });

  it('changes nothing without a cap', async () => {
    const model = new ScriptedModel([twoCalls, textStream(['done'])]);
    const echo = tool('echo');
    const add = tool('add');
    await run(model, [echo, add], {}, withTools);

    expect([echo.calls, add.calls].map((calls) => calls.length)).toEqual([
      1, 1,
    ]);
    expect(offeredNames(model.requests[1])).toEqual([
      'get_weather',
      'echo',
      'add',
    ]);
  });
});

describe(`${runToolLoop.name}: firstRound`, () => {
  const firstRound = {
    tools: [fn('echo')],
    tool_choice: 'required',
  };

  it('replaces tools and tool_choice in the first round only', async () => {
    const model = new ScriptedModel([
      toolCallStream([{ id: 'call_1', name: 'echo', arguments: '{}' }]),
      textStream(['ok']),
    ]);
    await run(
      model,
      [tool('echo'), tool('add')],
      { firstRound },
      // No tool_choice of its own (no client tools): `auto` is sent after.
      { ...request, tools: [fn('get_weather'), fn('echo'), fn('add')] },
    );

    expect(model.requests.map(offeredNames)).toEqual([
      ['echo'],
      ['get_weather', 'echo', 'add'],
    ]);
    expect(model.requests.map((r) => r['tool_choice'])).toEqual([
      'required',
      'auto',
    ]);
  });

  it('is not applied after approved calls ran, nor is a forced choice', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([textStream(['ok'])]);
    await run(
      model,
      [echo],
      {
        firstRound,
        resumed: [
          {
            call: { id: 'mcpr_1', name: 'echo', arguments: '{}', tool: echo },
            approvalRequestId: 'mcpr_1',
            approved: true,
          },
        ],
      },
      { ...request, tools: [fn('echo'), fn('add')], tool_choice: 'required' },
    );

    expect(offeredNames(model.requests[0])).toEqual(['echo', 'add']);
    expect(model.requests[0]?.['tool_choice']).toBe('auto');
  });
});
