import { firstValueFrom, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  textStream,
  toolCallStream,
} from '../../../test/support/chat-chunks.js';
import type { McpToolResult } from '../mcp.types.js';
import { runToolLoop } from './tool-loop.js';
import {
  echoCall,
  kinds,
  ok,
  request,
  run,
  ScriptedModel,
  tool,
} from './tool-loop.test-support.js';
import type { ToolLoopEvent } from './tool-loop.types.js';

describe(runToolLoop.name, () => {
  it('passes a plain answer through in one round', async () => {
    const model = new ScriptedModel([textStream(['Hel', 'lo'])]);
    const events = await run(model, [tool('echo')]);
    expect(kinds(events)).toEqual(['finished:answer:stop']);
    expect(events.filter((e) => e.type === 'chunk')).toHaveLength(4);
    expect(model.requests).toHaveLength(1);
  });

  it('runs a server tool and calls the model again with the assistant message and result', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([echoCall(), textStream(['done'])]);
    const events = await run(model, [echo]);

    expect(kinds(events)).toEqual([
      'tool_call_started',
      'tool_call_finished',
      'finished:answer:stop',
    ]);
    expect(echo.calls).toEqual(['{"message":"hi"}']);
    expect(model.requests[1]?.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'echo', arguments: '{"message":"hi"}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: 'echo got {"message":"hi"}',
      },
    ]);
    const rounds = events.flatMap((e) => (e.type === 'chunk' ? [e.round] : []));
    expect(new Set(rounds)).toEqual(new Set([1, 2]));
  });

  it('starts parallel calls together and reports them one after the other', async () => {
    const releases: (() => void)[] = [];
    const slow = (name: string) =>
      tool(
        name,
        () =>
          new Promise<McpToolResult>((resolve) =>
            releases.push(() => resolve(ok(name))),
          ),
      );
    const [a, b] = [slow('a'), slow('b')];
    const model = new ScriptedModel([
      toolCallStream([
        { id: 'call_a', name: 'a', arguments: '{}' },
        { id: 'call_b', name: 'b', arguments: '{}' },
      ]),
      textStream(['both done']),
    ]);
    const pending = run(model, [a, b]);
    await expect.poll(() => releases.length).toBe(2);
    // Both run before either finished; release b first.
    releases[1]?.();
    releases[0]?.();
    const events = await pending;
    const calls = events.flatMap((e) =>
      e.type === 'tool_call_started' || e.type === 'tool_call_finished'
        ? [`${e.type}:${e.call.name}`]
        : [],
    );
    expect(calls).toEqual([
      'tool_call_started:a',
      'tool_call_finished:a',
      'tool_call_started:b',
      'tool_call_finished:b',
    ]);
    expect(
      model.requests[1]?.messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content),
    ).toEqual(['a', 'b']);
  });

  it('runs the server calls of a turn that also calls a client tool, then stops', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([
      toolCallStream([
        { id: 'call_1', name: 'echo', arguments: '{}' },
        { id: 'call_2', name: 'get_weather', arguments: '{}' },
      ]),
    ]);
    const events = await run(model, [echo]);
    expect(kinds(events)).toEqual([
      'tool_call_started',
      'tool_call_finished',
      'finished:client_tools:tool_calls',
    ]);
    expect(model.requests).toHaveLength(1);
  });

  // A thrown tool call becomes an error result before the loop sees it
  // (containedToolCall, see mcp-tool-call.spec.ts): the loop only reads results.
  it('sends failures to the model as error text', async () => {
    const failing = tool('echo', () =>
      Promise.resolve({
        isError: true,
        text: 'no such file',
        images: [],
        raw: null,
      }),
    );
    const model = new ScriptedModel([
      toolCallStream([{ id: 'call_1', name: 'echo', arguments: '{}' }]),
      textStream(['sorry']),
    ]);
    const events = await run(model, [failing]);
    expect(kinds(events).at(-1)).toBe('finished:answer:stop');
    expect(
      model.requests[1]?.messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content),
    ).toEqual(['Error: no such file']);
  });

  it('fails with the error of a tool that rejects instead of resolving (a bug)', async () => {
    const throwing = tool('boom', () => Promise.reject(new Error('exploded')));
    const model = new ScriptedModel([
      toolCallStream([{ id: 'call_1', name: 'boom', arguments: '{}' }]),
      textStream(['sorry']),
    ]);
    await expect(run(model, [throwing])).rejects.toThrow('exploded');
    expect(model.requests).toHaveLength(1);
  });

  it('stops with finish_reason length when the model still calls tools after maxIterations rounds', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([echoCall()]);
    const events = await run(model, [echo], { maxIterations: 2 });
    expect(kinds(events).at(-1)).toBe('finished:max_iterations:length');
    expect(echo.calls).toHaveLength(2);
    expect(model.requests).toHaveLength(3);
  });

  it('stops at a call that needs approval without running it', async () => {
    const guarded = tool('echo', undefined, true);
    const model = new ScriptedModel([echoCall()]);
    const events = await run(model, [guarded]);
    expect(kinds(events)).toEqual([
      'approval_requested',
      'finished:approval:stop',
    ]);
    expect(guarded.calls).toEqual([]);
  });

  it('runs approved calls and denies the others before the first model call', async () => {
    const echo = tool('echo');
    const model = new ScriptedModel([textStream(['thanks'])]);
    const call = (id: string) => ({
      id,
      name: 'echo',
      arguments: '{}',
      tool: echo,
    });
    const events = await run(model, [echo], {
      resumed: [
        { call: call('mcpr_1'), approvalRequestId: 'mcpr_1', approved: true },
        { call: call('mcpr_2'), approvalRequestId: 'mcpr_2', approved: false },
      ],
    });

    expect(events[0]).toMatchObject({
      type: 'tool_call_started',
      approvalRequestId: 'mcpr_1',
    });
    expect(echo.calls).toHaveLength(1);
    const messages = model.requests[0]?.messages ?? [];
    expect(messages[1]?.tool_calls?.map((c) => c.id)).toEqual([
      'mcpr_1',
      'mcpr_2',
    ]);
    expect(messages.slice(2).map((m) => m.content)).toEqual([
      'echo got {}',
      'Error: The user denied this tool call.',
    ]);
  });

  it('holds a forced tool_choice for the first round only', async () => {
    const model = new ScriptedModel([echoCall(), textStream(['ok'])]);
    await run(
      model,
      [tool('echo')],
      {},
      { ...request, tool_choice: 'required' },
    );
    expect(model.requests.map((r) => r['tool_choice'])).toEqual([
      'required',
      'auto',
    ]);
  });

  it('aborts running tools when unsubscribed', async () => {
    let seen: AbortSignal | undefined;
    const hanging = tool('echo', (_args, signal) => {
      seen = signal;
      return new Promise<McpToolResult>(() => undefined);
    });
    const model = new ScriptedModel([echoCall()]);
    const loop$ = runToolLoop(request, {
      callModel: model.call,
      tools: { find: () => hanging },
      maxIterations: 5,
    });
    await firstValueFrom(
      new Observable<ToolLoopEvent>((subscriber) => {
        const subscription = loop$.subscribe((event) => {
          if (event.type === 'tool_call_started') {
            subscriber.next(event);
            subscriber.complete();
          }
        });
        return () => subscription.unsubscribe();
      }),
    );
    expect(seen?.aborted).toBe(true);
  });
});
