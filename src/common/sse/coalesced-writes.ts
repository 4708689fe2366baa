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
  private pending: string[] = [];
  private pendingChars = 0;
  private flushScheduled = false;

  constructor(
    private readonly raw: ServerResponse,
    private readonly flow: FlowControl,
  ) {}

  /** Queues a frame: it leaves with the others of this tick, or at once past the cap. */
  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= MAX_COALESCED_CHARS) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Ends the response: the last frames and the end of the chunked body share one write. */
  end(): void {
    const text = this.takePending();
    if (text === '') {
      this.raw.end();
    } else {
      this.raw.end(text);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const text = this.takePending();
    if (text !== '' && !this.raw.write(text)) {
      this.flow.pause();
    }
  };

  /** The pending frames as one text, emptied; '' when nothing can be written. */
  private takePending(): string {
    const text = this.raw.destroyed ? '' : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    return text;
  }
}
