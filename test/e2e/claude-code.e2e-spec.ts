import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedClaudeCodeModel } from '../support/claude-code-agent.js';
import {
  CLAUDE_QUIET_ENV,
  createClaudeWorkspace,
  describeClaudeRun,
  runClaude,
  type ClaudeRun,
  type ClaudeRunOptions,
  type ClaudeWorkspace,
} from '../support/claude-code.js';
import { TrafficWatcher } from '../support/claude-code-traffic.js';
import { toolMessages, type ChatMessage } from '../support/codex-agent.js';
import {
  FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

const MODEL = 'fake-model';
const GATEWAY_KEY = 'claude-code-gateway-key';
const WRITE_CALL = 'call_write_hello';
const READ_CALL = 'call_read_hello';
const CONTENT = 'hello from claude code\n';
const ANSWER = 'Wrote hello.txt and read it back.';
const BEARER_ANSWER = 'Bearer key accepted.';
// Bounds a hang (Claude Code waiting on a stream); never the thing under test.
const CLAUDE_TIMEOUT_MS = 90_000;
const GUIDE = new URL('../../docs/claude-code.md', import.meta.url);

// The real Claude Code CLI (`@anthropic-ai/claude-code`, native binary) runs
// a file task through the gateway's Anthropic Messages API: the FakeUpstream
// plays the model in Chat Completions, Claude Code runs the Write and Read
// calls it receives as tool_use blocks in a temp directory. Its HTTP(S)_PROXY
// is a TrafficWatcher, so every request it makes, to any host, is seen.
describe('Claude Code through the gateway', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let watcher: TrafficWatcher;
  let workspace: ClaudeWorkspace;
  let fileTask: ClaudeRunOptions;
  let run: ClaudeRun;
  let fileTaskRequests: RecordedRequest[];

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-secret',
      UPSTREAM_MAX_RETRIES: '0',
      // Claude Code must send the gateway key or get a 401.
      GATEWAY_API_KEYS: GATEWAY_KEY,
    });
    watcher = await TrafficWatcher.start(gateway.url);
    workspace = createClaudeWorkspace();
    const file = join(workspace.dir, 'hello.txt');
    upstream.setHandler(
      scriptedClaudeCodeModel([
        { kind: 'write', callId: WRITE_CALL, filePath: file, content: CONTENT },
        { kind: 'read', callId: READ_CALL, filePath: file },
        { kind: 'answer', text: ANSWER },
      ]),
    );
    fileTask = {
      gatewayUrl: gateway.url,
      credential: { kind: 'api-key', key: GATEWAY_KEY },
      model: MODEL,
      prompt: 'Create hello.txt, then read it back.',
      maxTurns: 4,
      allowedTools: ['Write', 'Read'],
      timeoutMs: CLAUDE_TIMEOUT_MS,
      extraEnv: watcher.proxyEnv,
    };
    run = await runClaude(workspace, fileTask);
    fileTaskRequests = upstream.chatRequests.slice();
  }, CLAUDE_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await watcher?.close();
    await gateway?.close();
    await upstream?.close();
    workspace?.remove();
  });

  it('exits 0 with the model answer as its result', () => {
    expect(run.timedOut, describeClaudeRun(run)).toBe(false);
    expect(run.exitCode, describeClaudeRun(run)).toBe(0);
    expect(run.result).toMatchObject({
      subtype: 'success',
      is_error: false,
      result: ANSWER,
      permission_denials: [],
    });
    expect(run.stdout).toContain(ANSWER);
  });

  it('wrote the file it was told to, with the exact content', () => {
    const file = join(workspace.dir, 'hello.txt');
    expect(existsSync(file), describeClaudeRun(run)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(CONTENT);
  });

  it('sent each tool result upstream as a tool message with its call id', () => {
    expect(fileTaskRequests).toHaveLength(3);
    const [first, second, third] = fileTaskRequests;
    expect(toolMessages(first!)).toEqual([]);

    const afterWrite = toolMessages(second!);
    expect(afterWrite.map((m) => m.tool_call_id)).toEqual([WRITE_CALL]);
    expect(JSON.stringify(afterWrite[0]!.content)).toContain(
      'File created successfully',
    );
    const assistant = (second!.body.messages as ChatMessage[]).find(
      (m) => m.tool_calls?.[0]?.id === WRITE_CALL,
    );
    expect(
      JSON.parse(assistant?.tool_calls?.[0]?.function.arguments ?? '{}'),
    ).toEqual({
      file_path: join(workspace.dir, 'hello.txt'),
      content: CONTENT,
    });

    const afterRead = toolMessages(third!);
    expect(afterRead.map((m) => m.tool_call_id)).toEqual([
      WRITE_CALL,
      READ_CALL,
    ]);
    // Read answers in `cat -n` form: "1\thello from claude code".
    expect(JSON.stringify(afterRead[1]!.content)).toContain(
      'hello from claude code',
    );
  });

  it('talked to the gateway only, with its x-api-key', () => {
    expect(watcher.tunnels).toEqual([]);
    expect(watcher.requests.filter((r) => !r.forwarded)).toEqual([]);
    expect(watcher.requests.map((r) => `${r.method} ${r.url}`)).toEqual(
      Array(3).fill(`POST ${gateway.url}/v1/messages?beta=true`),
    );
    for (const request of watcher.requests) {
      expect(request.headers['x-api-key']).toBe(GATEWAY_KEY);
    }
  });

  it(
    'accepts the key as ANTHROPIC_AUTH_TOKEN (Bearer) too',
    async () => {
      upstream.reset();
      upstream.setHandler(
        scriptedClaudeCodeModel([{ kind: 'answer', text: BEARER_ANSWER }]),
      );
      const seenBefore = watcher.requests.length;
      const bearerRun = await runClaude(workspace, {
        ...fileTask,
        credential: { kind: 'auth-token', key: GATEWAY_KEY },
        prompt: 'Say that the key was accepted.',
        maxTurns: 1,
      });
      expect(bearerRun.exitCode, describeClaudeRun(bearerRun)).toBe(0);
      expect(bearerRun.result?.result).toBe(BEARER_ANSWER);
      expect(upstream.chatRequests).toHaveLength(1);
      const seen = watcher.requests.slice(seenBefore);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.headers.authorization).toBe(`Bearer ${GATEWAY_KEY}`);
      expect(seen[0]!.headers['x-api-key']).toBeUndefined();
    },
    CLAUDE_TIMEOUT_MS + 10_000,
  );

  it('is the run docs/claude-code.md shows', () => {
    const guide = readFileSync(GUIDE, 'utf8');
    for (const [name, value] of Object.entries(CLAUDE_QUIET_ENV)) {
      expect(guide).toContain(`${name}=${value}`);
    }
    for (const flag of [
      '--model',
      '--max-turns',
      '--allowedTools Write,Read',
      '--output-format stream-json',
      '--verbose',
    ]) {
      expect(guide).toContain(flag);
    }
  });
});
