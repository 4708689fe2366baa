import type {
  ChatCompletionChunk,
  ChatToolCallDelta,
} from '../../protocol/chat-completion.types.js';
import { field, numberOr, type RawObject } from './raw-fields.js';
import type { ChunkField } from './read-fields.js';
import { ToolCallIndexer } from './tool-call-indexer.js';
import { decodeUsage } from './usage-decoder.js';
import { isRecord } from '../../common/is-record.js';

/** A decoded chunk, and whether it now says something its upstream text did not. */
export interface DecodedChunk {
  chunk: ChatCompletionChunk;
  /**
   * True when the decoder changed what the chunk means (a tool-call index,
   * finish_reason, a value of the wrong type), so its upstream text must not
   * be forwarded in its place. Dropping a null is no such change.
   */
  rewritten: boolean;
}

/** The string fields of a delta: null, or any other type, means absent. */
const DELTA_STRINGS = [
  'role',
  'content',
  'refusal',
  'reasoning_content',
  'reasoning',
] as const satisfies readonly ChunkField[];

/**
 * Turns one stream's chunks, as any backend writes them, into the gateway's
 * ChatCompletionChunk, whose read fields are either absent or of their
 * documented type (see backend-dialects.md):
 * - `null`, or a value of the wrong type, where OpenAI would omit a field
 *   is absent (set to undefined, which JSON.stringify omits, so the object
 *   keeps its shape);
 * - `choices` is always an array of objects with a numeric `index` and a
 *   `delta` object;
 * - each tool call gets its own index (ToolCallIndexer), and object-valued
 *   `arguments` become JSON text;
 * - `finish_reason:"stop"` after tool calls is `tool_calls`, as OpenAI says;
 * - usage is in one shape (decodeUsage).
 * It works in place on the object JSON.parse made: the chunk is the
 * decoder's until it is returned. In-band errors are not its business (the
 * SSE reader sees `error` first).
 */
export class ChunkDecoder {
  private readonly indexers = new Map<number, ToolCallIndexer>();
  private rewritten = false;

  decode(raw: RawObject): DecodedChunk {
    this.rewritten = false;
    const choices = field(raw, 'choices');
    if (Array.isArray(choices)) {
      raw['choices'] = this.decodeChoices(choices);
    } else {
      // A bare usage chunk of some servers: clients expect the array.
      raw['choices'] = [];
      this.rewritten = true;
    }
    if (field(raw, 'usage') !== undefined) {
      raw['usage'] = decodeUsage(field(raw, 'usage'));
    }
    const chunk = raw as ChatCompletionChunk;
    return { chunk, rewritten: this.rewritten };
  }

  private decodeChoices(choices: unknown[]): ChatCompletionChunk['choices'] {
    const decoded: ChatCompletionChunk['choices'] = [];
    for (let position = 0; position < choices.length; position++) {
      const choice = choices[position];
      if (isRecord(choice)) {
        decoded.push(this.decodeChoice(choice, position));
      } else {
        this.rewritten = true;
      }
    }
    return decoded;
  }

  private decodeChoice(
    choice: RawObject,
    position: number,
  ): ChatCompletionChunk['choices'][number] {
    const index = indexOf(field(choice, 'index'));
    if (index === undefined) {
      choice['index'] = position;
      this.rewritten = true;
    }
    let delta = field(choice, 'delta');
    if (!isRecord(delta)) {
      delta = {};
      choice['delta'] = delta;
    }
    const indexer = this.indexerOf(index ?? position);
    this.decodeDelta(delta as RawObject, indexer);
    const finish = field(choice, 'finish_reason');
    if (typeof finish !== 'string' || finish === '') {
      choice['finish_reason'] = null;
    } else if (finish === 'stop' && indexer.sawCall) {
      choice['finish_reason'] = 'tool_calls';
      this.rewritten = true;
    }
    return choice as ChatCompletionChunk['choices'][number];
  }

  private decodeDelta(delta: RawObject, indexer: ToolCallIndexer): void {
    for (const name of DELTA_STRINGS) {
      const value = delta[name];
      if (value !== undefined && typeof value !== 'string') {
        delta[name] = undefined;
      }
    }
    const calls = field(delta, 'tool_calls');
    if (calls === undefined) {
      return;
    }
    const decoded = Array.isArray(calls)
      ? this.decodeToolCalls(calls, indexer)
      : [];
    delta['tool_calls'] = decoded.length === 0 ? undefined : decoded;
  }

  private decodeToolCalls(
    calls: unknown[],
    indexer: ToolCallIndexer,
  ): ChatToolCallDelta[] {
    const decoded: ChatToolCallDelta[] = [];
    for (const call of calls) {
      if (!isRecord(call)) {
        this.rewritten = true;
        continue;
      }
      const id = nonEmptyString(field(call, 'id'));
      call['id'] = id;
      const upstreamIndex = indexOf(call['index']);
      const index = indexer.assign(upstreamIndex, id);
      if (index !== upstreamIndex) {
        this.rewritten = true;
      }
      call['index'] = index;
      if (call['type'] !== undefined && typeof call['type'] !== 'string') {
        call['type'] = undefined;
      }
      call['function'] = this.decodeFunction(call['function']);
      decoded.push(call);
    }
    return decoded;
  }

  private decodeFunction(
    raw: unknown,
  ): ChatToolCallDelta['function'] | undefined {
    if (!isRecord(raw)) {
      return undefined;
    }
    raw['name'] = nonEmptyString(raw['name']);
    const args = raw['arguments'];
    if (isRecord(args) || Array.isArray(args)) {
      // Some servers hand the parsed arguments over; clients expect text.
      raw['arguments'] = JSON.stringify(args);
      this.rewritten = true;
    } else if (typeof args !== 'string') {
      raw['arguments'] = undefined;
    }
    return raw;
  }

  private indexerOf(choiceIndex: number): ToolCallIndexer {
    let indexer = this.indexers.get(choiceIndex);
    if (indexer === undefined) {
      indexer = new ToolCallIndexer();
      this.indexers.set(choiceIndex, indexer);
    }
    return indexer;
  }
}

/** A usable index: a non-negative integer. */
function indexOf(value: unknown): number | undefined {
  const number = numberOr(value);
  return number !== undefined && Number.isInteger(number) && number >= 0
    ? number
    : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
