import type { ChatToolCallDelta } from '../../llm-client/chat-completion.types.js';
import type { ToolCallSegment } from './tool-call.segment.js';

/**
 * Routes streamed tool-call deltas to their call (§10): by `index`, by `id`
 * when `index` is missing (a new id is a new call), and a delta with neither
 * continues the last call. The same index with a new id is a new call too,
 * for backends that send every call as index 0.
 */
export class ToolCallRouter {
  private readonly byIndex = new Map<number, ToolCallSegment>();
  private readonly byId = new Map<string, ToolCallSegment>();
  private last: ToolCallSegment | undefined;

  constructor(private readonly createSegment: () => ToolCallSegment) {}

  /** Finds or creates the delta's call and feeds the delta to it. */
  route(delta: ChatToolCallDelta): ToolCallSegment {
    const id = delta.id || undefined;
    const index = typeof delta.index === 'number' ? delta.index : undefined;
    const segment = this.find(id, index) ?? this.createSegment();
    segment.absorb(delta);
    if (segment.upstreamId !== undefined) {
      this.byId.set(segment.upstreamId, segment);
    }
    if (index !== undefined) {
      this.byIndex.set(index, segment);
    }
    this.last = segment;
    return segment;
  }

  private find(
    id: string | undefined,
    index: number | undefined,
  ): ToolCallSegment | undefined {
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
