/**
 * The demo model: a scripted stand-in for an LLM, clearly labelled as such.
 * It echoes the user, calls a declared tool when the user asks for one by
 * name (an MCP tool also by its own name: "use the echo tool"), and answers
 * from a tool result when it gets one. Pure: given the
 * chat request, it returns what to say.
 */
export const DEMO_MODEL_ID = 'demo-echo-model';

export type DemoTurn =
  | { kind: 'text'; text: string; reasoning?: string }
  | { kind: 'tool_call'; name: string; arguments: string };

interface DemoMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
}

interface DemoRequest {
  messages?: DemoMessage[];
  tools?: {
    function?: {
      name?: string;
      parameters?: { properties?: Record<string, unknown> };
    };
  }[];
}

export function demoTurn(request: DemoRequest): DemoTurn {
  const messages = request.messages ?? [];
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') {
    return {
      kind: 'text',
      text: `[demo model] The tool answered: ${textOf(last.content)}`,
    };
  }
  const userText = textOf(
    [...messages].reverse().find((m) => m.role === 'user')?.content,
  );
  const toolNames = (request.tools ?? [])
    .map((tool) => tool.function?.name)
    .filter((name): name is string => typeof name === 'string');
  const wanted = wantedTool(toolNames, userText);
  if (wanted) {
    return {
      kind: 'tool_call',
      name: wanted,
      arguments: JSON.stringify(
        argumentsFor(
          userText,
          request.tools?.find((tool) => tool.function?.name === wanted),
        ),
      ),
    };
  }
  const userMessages = messages.filter((m) => m.role === 'user');
  const firstText = textOf(userMessages[0]?.content);
  const memory =
    userMessages.length > 1 ? ` Earlier you said: ${firstText}` : '';
  return {
    kind: 'text',
    reasoning: `The user said "${userText}". I am a demo model, so I echo it.`,
    text: `[demo model, turn ${userMessages.length}] You said: ${userText}${memory}`,
  };
}

/**
 * The tool the user names: its full name, or the part after the last `__`
 * of an MCP tool offered as `<server>__<tool>` ("use the echo tool" calls
 * `everything__echo`). Full names win.
 */
function wantedTool(names: string[], userText: string): string | undefined {
  const text = userText.toLowerCase();
  return (
    names.find((name) => text.includes(name.toLowerCase())) ??
    names.find((name) => {
      const short = name.split('__').at(-1)?.toLowerCase() ?? '';
      return short !== '' && text.includes(`${short} tool`);
    })
  );
}

/**
 * Quoted words in the prompt become the value of every parameter the tool
 * declares (`message` and `city` when it declares none).
 */
function argumentsFor(
  userText: string,
  tool: NonNullable<DemoRequest['tools']>[number] | undefined,
): Record<string, string> {
  const quoted = /"([^"]+)"/.exec(userText)?.[1] ?? userText;
  const declared = Object.keys(tool?.function?.parameters?.properties ?? {});
  const names = declared.length > 0 ? declared : ['message', 'city'];
  return Object.fromEntries(names.map((name) => [name, quoted]));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content
      .map((part) => (part as { text?: unknown }).text)
      .filter((text): text is string => typeof text === 'string')
      .join('');
  }
  return '';
}
