import type { BlockEvent, BlockScan, BlockScanner } from './tool-call.types.js';

/** What became of a block after a feed. */
export type BlockOutcome =
  /** Undecided or streaming: emit `events` now. */
  | { readonly kind: 'open'; readonly events: readonly BlockEvent[] }
  /** The block ended: emit `events`; `rest` (text after the block) is read again. */
  | {
      readonly kind: 'closed';
      readonly events: readonly BlockEvent[];
      readonly rest: string;
    }
  /** Not a call: `marker` is text and `rest` (what followed it) is read again. */
  | {
      readonly kind: 'rejected';
      readonly marker: string;
      readonly rest: string;
    }
  /**
   * Over the cap (or unfinished at the end): emit `events`, end any open call,
   * release `text` as text, and read `rest` (text beyond the cap) again.
   */
  | {
      readonly kind: 'abandoned';
      readonly events: readonly BlockEvent[];
      readonly text: string;
      readonly rest: string;
    };

interface Candidate {
  readonly scanner: BlockScanner;
  result: BlockScan;
  /** Events not yet released (while other candidates are still in the race). */
  queued: BlockEvent[];
}

const NOT_SCANNED: BlockScan = { status: 'open', events: [], consumed: 0 };

/**
 * One block read by the scanners of every family whose start marker opened
 * it. Candidates that answer 'invalid' drop out; the first remaining one in
 * priority order decides (later ones wait for it), and only a sole remaining
 * candidate may stream events before the block closes.
 */
export class BlockRace {
  private candidates: Candidate[];
  /** The block text from `base` on: what is not yet represented by events. */
  private held = '';
  private base = 0;
  /** Events were released: the block can no longer fall back to text. */
  private committed = false;

  constructor(
    private readonly marker: string,
    scanners: readonly BlockScanner[],
    private readonly maxHeldChars: number,
  ) {
    this.candidates = scanners.map((scanner) => ({
      scanner,
      result: NOT_SCANNED,
      queued: [],
    }));
  }

  /** Feeds the next piece of the block (the first piece starts with the marker). */
  feed(text: string, atEnd: boolean): BlockOutcome {
    // Never hold more than the cap: text beyond it is not fed, so the outcome
    // does not depend on how the input was split into chunks.
    const room = Math.max(0, this.maxHeldChars - this.held.length);
    const piece = text.length > room ? text.slice(0, room) : text;
    const beyond = text.slice(piece.length);
    this.held += piece;
    this.feedCandidates(piece, atEnd && beyond === '');
    const leader = this.candidates[0];
    if (leader === undefined) {
      return this.committed
        ? { kind: 'abandoned', events: [], text: this.held, rest: beyond }
        : {
            kind: 'rejected',
            marker: this.marker,
            rest: this.held.slice(this.marker.length) + beyond,
          };
    }
    const result = leader.result;
    if (result.status === 'closed') {
      return {
        kind: 'closed',
        events: leader.queued,
        rest: this.held.slice(result.length - this.base) + beyond,
      };
    }
    let events: readonly BlockEvent[] = [];
    let consumed = this.base;
    if (this.candidates.length === 1 && result.status === 'open') {
      events = leader.queued;
      leader.queued = [];
      this.committed ||= events.length > 0;
      if (this.committed && result.consumed > this.base) {
        // Released text is no longer needed: keep only the unconsumed rest.
        this.held = this.held.slice(result.consumed - this.base);
        this.base = result.consumed;
      }
      consumed = this.committed ? Math.max(result.consumed, this.base) : 0;
    }
    if (beyond !== '' || atEnd) {
      return {
        kind: 'abandoned',
        events,
        text: this.held.slice(consumed - this.base),
        rest: beyond,
      };
    }
    return { kind: 'open', events };
  }

  /** Feeds the candidates still open; those that answer 'invalid' drop out. */
  private feedCandidates(piece: string, atEnd: boolean): void {
    for (const candidate of this.candidates) {
      if (candidate.result.status === 'open') {
        candidate.result = candidate.scanner.feed(piece, atEnd);
        if (candidate.result.status !== 'invalid') {
          candidate.queued.push(...candidate.result.events);
        }
      }
    }
    this.candidates = this.candidates.filter(
      (c) => c.result.status !== 'invalid',
    );
  }
}
