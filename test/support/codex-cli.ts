import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `codex` launcher installed by the `@openai/codex` devDependency. */
export const CODEX_BIN = fileURLToPath(
  new URL('../../node_modules/.bin/codex', import.meta.url),
);

/** The API key Codex sends as `Authorization: Bearer …` (provider `env_key`). */
export const CODEX_API_KEY = 'x';

/** A throwaway git repo plus the HOME and CODEX_HOME one `codex exec` run uses. */
export interface CodexWorkspace {
  /** The git repo Codex works in (`-C`). */
  repo: string;
  codexHome: string;
  home: string;
  /** Where `-o` writes Codex's last message. */
  lastMessageFile: string;
  /** Removes every directory above. */
  remove(): void;
}

/** What one `codex exec` run did. */
export interface CodexRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the run was killed for taking longer than the timeout. */
  timedOut: boolean;
  /** `--json` JSONL events, one parsed object a line. */
  events: Record<string, unknown>[];
  stderr: string;
  /** The contents of the `-o` file, or '' when Codex did not write it. */
  lastMessage: string;
  durationMs: number;
}

/**
 * The `config.toml` that points Codex at the gateway as the custom provider
 * `gw`: Responses wire API, no hosted web search, no update check, no
 * analytics/OTel/feedback upload, and no retries (a failure should fail the
 * test at once, not after minutes of backoff).
 */
export function codexConfigToml(gatewayUrl: string, model: string): string {
  return [
    `model = "${model}"`,
    'model_provider = "gw"',
    'web_search = "disabled"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    '',
    // Plugins and apps sync a curated catalog from github.com and chatgpt.com
    // at start-up.
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'apps = false',
    '',
    '[model_providers.gw]',
    'name = "open-responses-gateway"',
    `base_url = "${gatewayUrl}/v1"`,
    'env_key = "GW_API_KEY"',
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'stream_idle_timeout_ms = 30000',
    '',
  ].join('\n');
}

/** Creates the temp git repo, HOME and CODEX_HOME (with config.toml). */
export function createCodexWorkspace(
  gatewayUrl: string,
  model: string,
): CodexWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'codex-e2e-'));
  const repo = join(root, 'repo');
  const home = join(root, 'home');
  const codexHome = join(root, 'codex-home');
  for (const dir of [repo, home, codexHome]) {
    mkdirSync(dir);
  }
  execFileSync('git', ['init', '--quiet', repo]);
  writeFileSync(
    join(codexHome, 'config.toml'),
    codexConfigToml(gatewayUrl, model),
  );
  return {
    repo,
    home,
    codexHome,
    lastMessageFile: join(root, 'last-message.txt'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Runs `codex exec` non-interactively in the workspace with `--json` and
 * `-o`, a minimal environment (no inherited OpenAI keys or proxies), and a
 * hard timeout after which the whole process group is killed.
 */
export function runCodexExec(
  workspace: CodexWorkspace,
  prompt: string,
  timeoutMs: number,
): Promise<CodexRun> {
  const args = [
    'exec',
    '--skip-git-repo-check',
    '--dangerously-bypass-approvals-and-sandbox',
    '--json',
    '-C',
    workspace.repo,
    '-o',
    workspace.lastMessageFile,
    prompt,
  ];
  const started = Date.now();
  const child = spawn(CODEX_BIN, args, {
    cwd: workspace.repo,
    // Its own process group, so a timeout can kill the launcher and the
    // native binary it spawns together.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: workspace.home,
      CODEX_HOME: workspace.codexHome,
      GW_API_KEY: CODEX_API_KEY,
      RUST_LOG: process.env['CODEX_E2E_RUST_LOG'] ?? 'warn',
    },
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
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      // The launcher is gone; make sure nothing it started lingers.
      killGroup(child.pid);
      resolve({
        exitCode,
        signal,
        timedOut,
        events: parseJsonLines(stdout),
        stderr,
        lastMessage: readIfPresent(workspace.lastMessageFile),
        durationMs: Date.now() - started,
      });
    });
  });
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

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
