import { chunk as rawChunk } from './chat-chunks.js';
import type { ChatCompletionChunk } from '../../src/protocol/chat-completion.types.js';
import { ResponseEventMachine } from '../../src/responses/core/response-event-machine.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../../src/protocol/responses.types.js';
import { toChatRequest } from '../../src/responses/core/to-chat-request.js';

/** Test support for the ResponseEventMachine specs (not used by the gateway). */
export const chunk = (
  delta: Record<string, unknown>,
  finish: string | null = null,
): ChatCompletionChunk => rawChunk(delta, finish) as ChatCompletionChunk;

export const asChunks = (
  chunks: Record<string, unknown>[],
): ChatCompletionChunk[] => chunks as ChatCompletionChunk[];

/** A machine for `request` (model and input filled in), its tools mapped as the service does. */
export function machine(
  request: Partial<CreateResponseRequest> = {},
): ResponseEventMachine {
  const full = { model: 'gpt-test', input: 'hi', ...request };
  return new ResponseEventMachine({
    id: 'resp_test',
    createdAt: 1_700_000_000,
    request: full,
    tools: toChatRequest(full, []).tools,
    now: () => 1_700_000_005,
  });
}

/** start(), every chunk, finish(): all events, in order. */
export function run(
  chunks: ChatCompletionChunk[],
  request: Partial<CreateResponseRequest> = {},
): { events: ResponseStreamEvent[]; sut: ResponseEventMachine } {
  const sut = machine(request);
  const events = [
    ...sut.start(),
    ...chunks.flatMap((each) => sut.onChunk(each)),
    ...sut.finish(),
  ];
  return { events, sut };
}

export const types = (events: ResponseStreamEvent[]): string[] =>
  events.map((event) => event.type);

export const ofType = (
  events: ResponseStreamEvent[],
  type: string,
): ResponseStreamEvent[] => events.filter((event) => event.type === type);

export const weatherTools = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object' } },
  { type: 'function', name: 'get_time' },
];

/** The events as JSON, with the random item ids numbered in order of appearance. */
export function withItemIdsNumbered(events: unknown[]): string {
  const ids = new Map<string, string>();
  return JSON.stringify(events).replace(
    /"(msg|rs|fc)_[0-9a-f]+"/g,
    (id) => ids.get(id) ?? ids.set(id, `"item_${ids.size}"`).get(id)!,
  );
}
