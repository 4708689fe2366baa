import { textStream, toolCallStream } from './chat-chunks.js';
import type { FakeReply, RecordedRequest } from './fake-upstream.js';

/** A chat tool as the gateway declares it to the upstream. */
interface ChatTool {
  type: string;
  function?: { name: string; parameters?: Record<string, unknown> };
}

/** A chat message as the gateway sends it upstream. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/** Which of Codex's shell tool variants a request declared, and how to call it. */
export interface ShellTool {
  name: 'exec_command' | 'shell_command' | 'shell';
  /** The JSON arguments that run `script` with this tool's schema. */
  argumentsFor(script: string): string;
}

/** One step of the scripted agent: a shell command, or the final answer. */
export type AgentStep =
  | { kind: 'shell'; callId: string; script: string }
  | { kind: 'answer'; text: string };

/**
 * Finds Codex's shell tool among the chat tools of a request. Codex declares
 * exactly one variant, depending on the model's metadata and features:
 * `exec_command {cmd}` (unified exec), `shell_command {command: string}` or
 * `shell {command: string[]}`.
 */
export function findShellTool(tools: unknown): ShellTool | undefined {
  const names = new Set(
    ((tools ?? []) as ChatTool[]).flatMap((tool) =>
      tool.function ? [tool.function.name] : [],
    ),
  );
  if (names.has('exec_command')) {
    return {
      name: 'exec_command',
      argumentsFor: (script) => JSON.stringify({ cmd: script }),
    };
  }
  if (names.has('shell_command')) {
    return {
      name: 'shell_command',
      argumentsFor: (script) => JSON.stringify({ command: script }),
    };
  }
  if (names.has('shell')) {
    return {
      name: 'shell',
      argumentsFor: (script) =>
        JSON.stringify({ command: ['bash', '-lc', script] }),
    };
  }
  return undefined;
}

/** Every tool message of a chat request, in order. */
export function toolMessages(request: RecordedRequest): ChatMessage[] {
  const messages = (request.body?.messages ?? []) as ChatMessage[];
  return messages.filter((message) => message.role === 'tool');
}

/**
 * A fake model that behaves like a coding agent: each round it runs the
 * next step of `steps` (a round is counted by the tool results already in the
 * conversation), streaming shell calls as chat tool calls in the declared
 * tool's schema. A request without a shell tool gets a text reply saying so,
 * so that a mismatch shows up in the assertions rather than as a hang.
 */
export function scriptedCodingAgent(
  steps: AgentStep[],
): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const round = toolMessages(request).length;
    const step = steps[round] ?? steps[steps.length - 1]!;
    if (step.kind === 'answer') {
      return { kind: 'stream', chunks: textStream([step.text]) };
    }
    const shell = findShellTool(request.body?.tools);
    if (!shell) {
      return { kind: 'stream', chunks: textStream(['no shell tool offered']) };
    }
    return {
      kind: 'stream',
      chunks: toolCallStream([
        {
          id: step.callId,
          name: shell.name,
          arguments: shell.argumentsFor(step.script),
        },
      ]),
    };
  };
}
