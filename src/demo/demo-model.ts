/**
 * The demo model: a scripted stand-in for an LLM, clearly labelled as such.
 * It echoes the user, calls a declared tool when the user asks for one by
 * name, and answers from a tool result when it gets one. Pure: given the
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
  tools?: { function?: { name?: string } }[];
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
  const wanted = toolNames.find((name) =>
    userText.toLowerCase().includes(name.toLowerCase()),
  );
  if (wanted) {
    return {
      kind: 'tool_call',
      name: wanted,
      arguments: JSON.stringify(argumentsFor(userText)),
    };
  }
  const userMessages = messages.filter((m) => m.role === 'user');
  const firstText = textOf(userMessages[0]?.content);
  const memory = userMessages.length > 1 ? ` Earlier you said: ${firstText}` : '';
  return {
    kind: 'text',
    reasoning: `The user said "${userText}". I am a demo model, so I echo it.`,
    text: `[demo model, turn ${userMessages.length}] You said: ${userText}${memory}`,
  };
}

/** Quoted words in the prompt become the tool's `message`/`city` argument. */
function argumentsFor(userText: string): Record<string, string> {
  const quoted = /"([^"]+)"/.exec(userText)?.[1] ?? userText;
  return { message: quoted, city: quoted };
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
