import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The native `claude` binary of the `@anthropic-ai/claude-code` devDependency. */
export const CLAUDE_BIN = fileURLToPath(
  new URL('../../node_modules/.bin/claude', import.meta.url),
);

/**
 * The switches that keep Claude Code off every host but ANTHROPIC_BASE_URL
 * (docs/claude-code.md shows the same list). The first one alone stops the
 * telemetry, feature-flag, update and preflight calls; the others name the
 * individual features for readers who keep some traffic on. No retries: a
 * failing gateway should fail the run at once, not after minutes of backoff.
 */
export const CLAUDE_QUIET_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
  CLAUDE_CODE_MAX_RETRIES: '0',
};

/** How Claude Code presents the gateway key: `x-api-key` or a Bearer token. */
export type ClaudeCredential =
  { kind: 'api-key'; key: string } | { kind: 'auth-token'; key: string };

/** A temp working directory and HOME for one or more `claude -p` runs. */
export interface ClaudeWorkspace {
  /** The cwd Claude Code works in; files it writes land here. */
  dir: string;
  home: string;
  /** Removes both directories. */
  remove(): void;
}

export interface ClaudeRunOptions {
  /** The gateway root, e.g. http://127.0.0.1:PORT (no /v1). */
  gatewayUrl: string;
  credential: ClaudeCredential;
  model: string;
  prompt: string;
  maxTurns: number;
  /** Tools Claude Code may run without asking (`--allowedTools`). */
  allowedTools: string[];
  /** Kills the whole process group after this long: bounds a hang only. */
  timeoutMs: number;
  /**
   * Added to the environment, e.g. HTTP(S)_PROXY for a spec that watches
   * every request Claude Code makes.
   */
  extraEnv?: Record<string, string>;
}

/** The final `{"type":"result"}` event of `--output-format stream-json`. */
export interface ClaudeResultEvent {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result?: string;
  num_turns?: number;
  permission_denials?: unknown[];
}

/** What one `claude -p` run did. */
export interface ClaudeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the run was killed for taking longer than the timeout. */
  timedOut: boolean;
  /** The stream-json events, one parsed object a line. */
  events: Record<string, unknown>[];
  /** The result event, when the run got that far. */
  result: ClaudeResultEvent | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Creates the temp working directory and HOME. */
export function createClaudeWorkspace(): ClaudeWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'claude-code-e2e-'));
  const dir = join(root, 'work');
  const home = join(root, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  return {
    dir,
    home,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The `claude` arguments of a non-interactive run (as in the guide). */
export function claudeArgs(options: ClaudeRunOptions): string[] {
  return [
    '-p',
    options.prompt,
    '--model',
    options.model,
    '--max-turns',
    String(options.maxTurns),
    '--allowedTools',
    options.allowedTools.join(','),
    '--output-format',
    'stream-json',
    '--verbose',
  ];
}

/**
 * The whole environment of a run: nothing inherited but PATH (no real
 * Anthropic keys or proxies of the machine), the gateway as
 * ANTHROPIC_BASE_URL, the key, and CLAUDE_QUIET_ENV.
 */
export function claudeEnvironment(
  workspace: ClaudeWorkspace,
  options: ClaudeRunOptions,
): Record<string, string> {
  const keyVariable =
    options.credential.kind === 'api-key'
      ? 'ANTHROPIC_API_KEY'
      : 'ANTHROPIC_AUTH_TOKEN';
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: workspace.home,
    ANTHROPIC_BASE_URL: options.gatewayUrl,
    [keyVariable]: options.credential.key,
    ...CLAUDE_QUIET_ENV,
    ...options.extraEnv,
  };
}

/**
 * Runs `claude -p` in the workspace and resolves when it exits (or was
 * killed, with the process group, at the timeout).
 */
export function runClaude(
  workspace: ClaudeWorkspace,
  options: ClaudeRunOptions,
): Promise<ClaudeRun> {
  const started = Date.now();
  const child = spawn(CLAUDE_BIN, claudeArgs(options), {
    cwd: workspace.dir,
    // Its own process group, so a timeout also kills the tools it spawned.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: claudeEnvironment(workspace, options),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      killGroup(child.pid);
      const events = parseJsonLines(stdout);
      resolve({
        exitCode,
        signal,
        timedOut,
        events,
        result: events.find(isResultEvent),
        stdout,
        stderr,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** A run's outcome in a form that explains a failed assertion. */
export function describeClaudeRun(run: ClaudeRun): string {
  return JSON.stringify(
    {
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      stderr: run.stderr.slice(-4_000),
      events: run.events.slice(-6),
    },
    null,
    2,
  );
}

function isResultEvent(
  event: Record<string, unknown>,
): event is Record<string, unknown> & ClaudeResultEvent {
  return event['type'] === 'result';
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group has already exited.
  }
}

function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
