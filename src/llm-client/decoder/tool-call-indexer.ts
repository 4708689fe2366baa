/**
 * Gives each tool call of one choice its own index, whatever the backend
 * numbered it (backend-dialects.md): ids on the first delta only or on every
 * one, `id:null` on continuations, all calls whole in one chunk, and several
 * calls sharing `"index":0` (Ollama before Feb 2026), which a client merging
 * by index would glue into one call. A new id is a new call; a delta without
 * an id continues the call last seen at its index (or the last call when it
 * has no index either). An index already taken by another call moves to the
 * next free one.
 */
export class ToolCallIndexer {
  private readonly byId = new Map<string, number>();
  private readonly byUpstreamIndex = new Map<number, number>();
  private readonly idOf = new Map<number, string>();
  private next = 0;
  private last: number | undefined;

  /** The index of the call this delta belongs to. */
  assign(upstreamIndex: number | undefined, id: string | undefined): number {
    const index =
      this.known(upstreamIndex, id) ??
      (upstreamIndex !== undefined && upstreamIndex >= this.next
        ? upstreamIndex
        : this.next);
    if (id !== undefined) {
      this.byId.set(id, index);
      this.idOf.set(index, id);
    }
    if (upstreamIndex !== undefined) {
      this.byUpstreamIndex.set(upstreamIndex, index);
    }
    this.next = Math.max(this.next, index + 1);
    this.last = index;
    return index;
  }

  /** True once any call was seen. */
  get sawCall(): boolean {
    return this.last !== undefined;
  }

  private known(
    upstreamIndex: number | undefined,
    id: string | undefined,
  ): number | undefined {
    if (id !== undefined && this.byId.has(id)) {
      return this.byId.get(id);
    }
    if (upstreamIndex !== undefined) {
      const mapped = this.byUpstreamIndex.get(upstreamIndex);
      // The same index with a new id is a new call.
      return mapped !== undefined &&
        (id === undefined || !this.idOf.has(mapped))
        ? mapped
        : undefined;
    }
    return id === undefined ? this.last : undefined;
  }
}
