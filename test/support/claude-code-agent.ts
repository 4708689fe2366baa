import { completion, textStream, toolCallStream } from './chat-chunks.js';
import { toolMessages } from './codex-agent.js';
import type { FakeReply, RecordedRequest } from './fake-upstream.js';

/** A chat tool as the gateway declares it to the upstream. */
interface ChatTool {
  type: string;
  function?: {
    name: string;
    parameters?: { properties?: Record<string, unknown> };
  };
}

/**
 * One step of the scripted model, in Claude Code's own tools: `Write
 * {file_path, content}` and `Read {file_path}` (the names and parameters
 * Claude Code 2.1.332 declares; `file_path` must be absolute), or the final
 * answer.
 */
export type ClaudeCodeStep =
  | { kind: 'write'; callId: string; filePath: string; content: string }
  | { kind: 'read'; callId: string; filePath: string }
  | { kind: 'answer'; text: string };

const TOOL_OF_STEP = { write: 'Write', read: 'Read' } as const;

/** The JSON arguments of a tool step, in the tool's parameter names. */
function stepArguments(
  step: Exclude<ClaudeCodeStep, { kind: 'answer' }>,
): Record<string, string> {
  return step.kind === 'write'
    ? { file_path: step.filePath, content: step.content }
    : { file_path: step.filePath };
}

/**
 * The parameter names a request declares for the chat tool `name`, or
 * undefined when it offers no such tool.
 */
export function declaredParameters(
  tools: unknown,
  name: string,
): string[] | undefined {
  const tool = ((tools ?? []) as ChatTool[]).find(
    (candidate) => candidate.function?.name === name,
  );
  if (!tool?.function) {
    return undefined;
  }
  return Object.keys(tool.function.parameters?.properties ?? {});
}

/**
 * A fake Chat Completions model that drives Claude Code through `steps`:
 * the round is the number of tool results already in the conversation (the
 * gateway sends each as a `tool` message). A tool step becomes a chat tool
 * call, streamed the way OpenAI streams one, once the request declares that
 * tool with every parameter the step fills; otherwise the model answers with
 * a text saying what was missing, so a mismatch shows up in the assertions
 * rather than as a hang. Non-streaming requests get the same answer whole.
 */
export function scriptedClaudeCodeModel(
  steps: ClaudeCodeStep[],
): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const round = toolMessages(request).length;
    const step = steps[round] ?? steps[steps.length - 1]!;
    const streamed = request.body?.stream === true;
    if (step.kind === 'answer') {
      return textReply(step.text, streamed);
    }
    const toolName = TOOL_OF_STEP[step.kind];
    const args = stepArguments(step);
    const declared = declaredParameters(request.body?.tools, toolName);
    const missing = Object.keys(args).filter(
      (parameter) => !declared?.includes(parameter),
    );
    if (declared === undefined || missing.length > 0) {
      return textReply(
        `no ${toolName} tool with ${missing.join(', ')} offered`,
        streamed,
      );
    }
    const call = {
      id: step.callId,
      name: toolName,
      arguments: JSON.stringify(args),
    };
    if (!streamed) {
      return {
        kind: 'json',
        body: completion(
          {
            content: null,
            tool_calls: [
              {
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: call.arguments },
              },
            ],
          },
          'tool_calls',
        ),
      };
    }
    return { kind: 'stream', chunks: toolCallStream([call]) };
  };
}

function textReply(text: string, streamed: boolean): FakeReply {
  return streamed
    ? { kind: 'stream', chunks: textStream([text]) }
    : { kind: 'json', body: completion({ content: text }) };
}
