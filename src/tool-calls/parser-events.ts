import type { ParsedToolCall } from './tool-call.types.js';

/** What the streaming parser emits, in order. */
export type ParserEvent =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'reasoning'; readonly text: string }
  | {
      readonly kind: 'tool_call_start';
      readonly index: number;
      readonly name: string;
    }
  | {
      readonly kind: 'tool_call_arguments';
      readonly index: number;
      readonly delta: string;
    }
  | { readonly kind: 'tool_call_end'; readonly index: number };

/** Everything recovered from one whole message. */
export interface ParsedText {
  /** The text that is not a tool call nor reasoning. */
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: ParsedToolCall[];
}

/** Folds parser events into text, reasoning and calls (in index order). */
export function collectParserEvents(
  events: readonly ParserEvent[],
): ParsedText {
  let text = '';
  let reasoning = '';
  const calls = new Map<number, { name: string; arguments: string }>();
  for (const e of events) {
    switch (e.kind) {
      case 'text':
        text += e.text;
        break;
      case 'reasoning':
        reasoning += e.text;
        break;
      case 'tool_call_start':
        calls.set(e.index, { name: e.name, arguments: '' });
        break;
      case 'tool_call_arguments': {
        const call = calls.get(e.index);
        if (call !== undefined) {
          call.arguments += e.delta;
        }
        break;
      }
      case 'tool_call_end':
        break;
    }
  }
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => c);
  return { text, reasoning, toolCalls };
}
