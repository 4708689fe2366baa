import type { ServerResponse } from 'node:http';
import type { FlowControl } from './flow-control.js';

/**
 * Coalesced frames are flushed early past this size, to bound the buffer.
 * Above one upstream read's worth of frames: a socket read is at most
 * 64 KiB, and a translated frame can be longer than the chunk it came from
 * (a Responses text delta is ~1.2× its chat chunk), so a 64 Ki cap split
 * full reads into two writes.
 */
const MAX_COALESCED_CHARS = 256 * 1024;

/**
 * Frames produced in the same tick (one upstream read often carries many
 * chunks) leave in one socket write: a write per frame costs a syscall
 * each, and on loopback the sender also pays for the receiver's TCP work.
 * The flush waits for process.nextTick. The upstream reader is an async
 * loop, so frames are written from promise jobs, and a tick scheduled from
 * a promise job runs only once the promise jobs queued meanwhile have
 * settled: the frames a stream's end produces over a few promise steps
 * (closing items, storing the response, the terminal event) go out
 * together. With the cap above, writes per 500-chunk Responses stream went
 * from 5.0 to 3.0, as many as its chat pass-through. They wait as a list
 * joined once per write: `+=` would build a rope that the write then walks
 * piece by piece (measured on a Responses stream: 286 µs to size the rope
 * against 45 µs for the joined text).
 *
 * A write that does not fit the socket buffer pauses `flow`; whoever owns
 * the response resumes it on 'drain'.
 */
export class CoalescedWrites {
  private pending: (string | Uint8Array)[] = [];
  private pendingBytes = false;
  private pendingChars = 0;
  private flushScheduled = false;

  constructor(
    private readonly raw: ServerResponse,
    private readonly flow: FlowControl,
  ) {}

  /**
   * Queues a frame: it leaves with the others of this tick, or at once past
   * the cap. Bytes (frames forwarded as the upstream wrote them) are
   * written as they are, never decoded.
   */
  write(frame: string | Uint8Array): void {
    this.pending.push(frame);
    this.pendingChars += frame.length;
    this.pendingBytes ||= typeof frame !== 'string';
    if (this.pendingChars >= MAX_COALESCED_CHARS) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Ends the response: the last frames and the end of the chunked body share one write. */
  end(): void {
    const data = this.takePending();
    if (data.length === 0) {
      this.raw.end();
    } else {
      this.raw.end(data);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const data = this.takePending();
    if (data.length > 0 && !this.raw.write(data)) {
      this.flow.pause();
    }
  };

  /** The pending frames as one text or buffer, emptied; empty when nothing can be written. */
  private takePending(): string | Uint8Array {
    const { pending, pendingBytes } = this;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingBytes = false;
    if (this.raw.destroyed) {
      return '';
    }
    if (pending.length === 1) {
      return pending[0] ?? '';
    }
    return pendingBytes
      ? Buffer.concat(
          pending.map((frame) =>
            typeof frame === 'string' ? Buffer.from(frame) : frame,
          ),
        )
      : pending.join('');
  }
}
