import type { ChatToolCallDelta } from './chat-completion.types.js';

/** A call being assembled from streamed deltas; `upstreamId` is its first non-empty id. */
export interface RoutedToolCall {
  upstreamId: string | undefined;
}

/** A routed call with its name and its arguments added up so far. */
export interface AssembledToolCall extends RoutedToolCall {
  name: string;
  arguments: string;
}

/**
 * The usual `absorb` of a ToolCallDeltaRouter: takes the id and the name
 * once, when non-empty (backends repeat them), and adds up the arguments.
 */
export function absorbToolCallDelta(
  call: AssembledToolCall,
  delta: ChatToolCallDelta,
): void {
  if (delta.id && call.upstreamId === undefined) {
    call.upstreamId = delta.id;
  }
  const name = delta.function?.name;
  if (name && call.name === '') {
    call.name = name;
  }
  const fragment = delta.function?.arguments;
  if (typeof fragment === 'string') {
    call.arguments += fragment;
  }
}

/**
 * Routes streamed tool-call deltas to their call (docs/responses-api.md §10):
 * by `index`, by `id` when `index` is missing (a new id is a new call), and a
 * delta with neither continues the last call. The same index with a new id is
 * a new call too, for backends that send every call as index 0. Pure.
 */
export class ToolCallDeltaRouter<T extends RoutedToolCall> {
  private readonly byIndex = new Map<number, T>();
  private readonly byId = new Map<string, T>();
  private last: T | undefined;

  /**
   * @param create starts a new call.
   * @param absorb feeds a delta to its call; it sets `upstreamId` from the
   *   first non-empty `id`.
   */
  constructor(
    private readonly create: () => T,
    private readonly absorb: (call: T, delta: ChatToolCallDelta) => void,
  ) {}

  /** Finds or creates the delta's call and feeds the delta to it. */
  route(delta: ChatToolCallDelta): T {
    const id = delta.id || undefined;
    const index = typeof delta.index === 'number' ? delta.index : undefined;
    const call = this.find(id, index) ?? this.create();
    this.absorb(call, delta);
    if (call.upstreamId !== undefined) {
      this.byId.set(call.upstreamId, call);
    }
    if (index !== undefined) {
      this.byIndex.set(index, call);
    }
    this.last = call;
    return call;
  }

  private find(
    id: string | undefined,
    index: number | undefined,
  ): T | undefined {
    const byId = id === undefined ? undefined : this.byId.get(id);
    if (byId !== undefined) {
      return byId;
    }
    if (index !== undefined) {
      const byIndex = this.byIndex.get(index);
      return byIndex !== undefined &&
        (id === undefined || byIndex.upstreamId === undefined)
        ? byIndex
        : undefined;
    }
    return id === undefined ? this.last : undefined;
  }
}
