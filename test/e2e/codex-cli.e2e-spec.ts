import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findShellTool,
  scriptedCodingAgent,
  toolMessages,
  type ChatMessage,
} from '../support/codex-agent.js';
import {
  CODEX_API_KEY,
  createCodexWorkspace,
  runCodexExec,
  type CodexRun,
  type CodexWorkspace,
} from '../support/codex-cli.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

const MODEL = 'fake-model';
const CREATE_CALL = 'call_create_hello';
const READ_CALL = 'call_read_hello';
const ANSWER = 'Created hello.txt.';
// Bounds a hang (Codex waiting on a stream); never the thing under test.
const CODEX_TIMEOUT_MS = 90_000;

// The real Codex CLI (`@openai/codex`, native binary) runs a coding task
// through the gateway: the FakeUpstream plays the model, Codex runs the shell
// calls it receives as Responses `function_call` items in a temp git repo.
describe('Codex CLI through the gateway', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let workspace: CodexWorkspace;
  let run: CodexRun;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-secret',
      UPSTREAM_MAX_RETRIES: '0',
      // Codex must send its provider key (env_key) or get a 401.
      GATEWAY_API_KEYS: CODEX_API_KEY,
    });
    upstream.setHandler(
      scriptedCodingAgent([
        {
          kind: 'shell',
          callId: CREATE_CALL,
          script: "printf 'hello from codex\\n' > hello.txt",
        },
        { kind: 'shell', callId: READ_CALL, script: 'cat hello.txt' },
        { kind: 'answer', text: ANSWER },
      ]),
    );
    workspace = createCodexWorkspace(gateway.url, MODEL);
    run = await runCodexExec(
      workspace,
      "Create hello.txt containing 'hello from codex'",
      CODEX_TIMEOUT_MS,
    );
  }, CODEX_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    workspace?.remove();
  });

  function describeRun(): string {
    return JSON.stringify(
      {
        exitCode: run.exitCode,
        signal: run.signal,
        timedOut: run.timedOut,
        stderr: run.stderr.slice(-4_000),
        events: run.events.slice(-10),
      },
      null,
      2,
    );
  }

  it('exits 0 with the model answer as its last message', () => {
    expect(run.timedOut, describeRun()).toBe(false);
    expect(run.exitCode, describeRun()).toBe(0);
    expect(run.lastMessage).toContain(ANSWER);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'item.completed',
        item: expect.objectContaining({ text: ANSWER }),
      }),
    );
  });

  it('ran the shell calls it received through the gateway', () => {
    const file = join(workspace.repo, 'hello.txt');
    expect(existsSync(file), describeRun()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('hello from codex\n');
    const commands = run.events.filter(
      (event) =>
        event.type === 'item.completed' &&
        (event.item as { type?: string }).type === 'command_execution',
    );
    expect(commands.map((event) => event.item)).toEqual([
      expect.objectContaining({ exit_code: 0, status: 'completed' }),
      expect.objectContaining({
        exit_code: 0,
        aggregated_output: 'hello from codex\n',
      }),
    ]);
  });

  it('sent each tool result back as a tool message with its call id', () => {
    const [first, second, third] = upstream.chatRequests;
    expect(upstream.chatRequests.length).toBeGreaterThanOrEqual(3);
    expect(findShellTool(first!.body.tools)).toBeDefined();
    expect(toolMessages(first!)).toEqual([]);

    const afterCreate = toolMessages(second!);
    expect(afterCreate.map((m) => m.tool_call_id)).toEqual([CREATE_CALL]);
    const assistant = (second!.body.messages as ChatMessage[]).find(
      (m) => m.tool_calls?.[0]?.id === CREATE_CALL,
    );
    expect(assistant?.tool_calls?.[0]?.function.arguments).toContain(
      'hello.txt',
    );
    // Codex's unified-exec output: "…Process exited with code 0…Output:\n…".
    expect(afterCreate[0]!.content).toContain('Process exited with code 0');

    const afterRead = toolMessages(third!);
    expect(afterRead.map((m) => m.tool_call_id)).toEqual([
      CREATE_CALL,
      READ_CALL,
    ]);
    expect(afterRead[1]!.content).toContain('Output:\nhello from codex\n');
  });

  it('never offered the hosted web_search tool upstream', () => {
    for (const request of upstream.chatRequests) {
      const tools = (request.body.tools ?? []) as { type: string }[];
      expect(tools.every((tool) => tool.type === 'function')).toBe(true);
      expect(JSON.stringify(tools)).not.toContain('web_search');
    }
  });
});
