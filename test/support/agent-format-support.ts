import type { ToolCallSpec } from './chat-chunks.js';
import { completion, textStream, toolCallStream } from './chat-chunks.js';
import type { FakeUpstream } from './fake-upstream.js';

/** Arguments whose exact bytes must survive: a big integer, `1.0`, escapes, key order. */
export const EXACT_ARGS =
  '{"path": "a\\\\b.txt", "n": 12345678901234567890, "ratio": 1.0, "s": "\\u00e9\\"x"}';

/** The blocks each named text format writes around `{"name": …, "arguments": …}`. */
export const FORMAT_TAGS: Record<string, [string, string]> = {
  xml: ['<tool_call>', '</tool_call>'],
  llama3: ['<function_call>', '</function_call>'],
  qwen3: ['<|tool_call|>', '</|tool_call|>'],
  gemma: ['```tool_code\n', '\n```'],
  '[[C]],[[/C]]': ['[[C]]', '[[/C]]'],
};

/** One call as a format writes it. */
export function tagged(format: string, name: string, args: string): string {
  const [start, end] = FORMAT_TAGS[format]!;
  return `${start}{"name": "${name}", "arguments": ${args}}${end}`;
}

/** The upstream answers with native tool_calls, streamed or whole. */
export function answerWithCalls(
  upstream: FakeUpstream,
  calls: ToolCallSpec[],
  leadingText?: string,
): void {
  upstream.setHandler((request) =>
    request.body?.stream
      ? { kind: 'stream', chunks: toolCallStream(calls, leadingText) }
      : {
          kind: 'json',
          body: completion(
            {
              content: leadingText ?? null,
              tool_calls: calls.map((c, i) => ({
                id: c.id ?? `call_${i}`,
                type: 'function',
                function: { name: c.name, arguments: c.arguments },
              })),
            },
            'tool_calls',
          ),
        },
  );
}

/** The upstream writes `text` as content: streamed in 5-char pieces, or whole. */
export function answerWithText(upstream: FakeUpstream, text: string): void {
  upstream.setHandler((request) =>
    request.body?.stream
      ? {
          kind: 'stream',
          chunks: textStream(text.match(/[\s\S]{1,5}/gu) ?? []),
        }
      : { kind: 'json', body: completion({ content: text }) },
  );
}

/** POSTs JSON; returns the status and the parsed body (or the SSE data events). */
export async function post(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; events: any[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (body['stream'] !== true || res.status !== 200) {
    return { status: res.status, json: JSON.parse(text), events: [] };
  }
  const events = text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as unknown);
  return { status: res.status, json: undefined, events };
}

/** What a streamed chat completion told the client: content, tool calls, finish reasons. */
export function chatStreamSummary(events: any[]): {
  content: string;
  toolCallDeltas: number;
  finishes: string[];
} {
  let content = '';
  let toolCallDeltas = 0;
  const finishes: string[] = [];
  for (const event of events) {
    for (const choice of event.choices ?? []) {
      content += choice.delta?.content ?? '';
      toolCallDeltas += choice.delta?.tool_calls?.length ?? 0;
      if (choice.finish_reason) {
        finishes.push(choice.finish_reason);
      }
    }
  }
  return { content, toolCallDeltas, finishes };
}
