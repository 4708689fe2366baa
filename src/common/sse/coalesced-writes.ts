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
 * Byte frames at least this long (an upstream read's run of forwarded
 * events) are written as they are; shorter pieces are joined first, as a
 * write costs more than copying a few KiB.
 */
export const MIN_BYTES_WRITTEN_AS_IS = 4 * 1024;

/**
 * Frames produced in the same turn of the event loop leave in one socket
 * write: a write per frame costs a syscall each, and on loopback the
 * sender also pays for the receiver's TCP work. The flush waits for
 * setImmediate, after the poll phase's I/O callbacks and the ticks and
 * promise jobs they queued, so the frames of every upstream read that came
 * in together, and what a stream's end produces over a few promise steps
 * (closing items, storing the response, the terminal event, the end of the
 * chunked body), go out together; frames that come apart (a model's
 * tokens, most of the time) still leave in the turn they came in. Client
 * writes per stream against an upstream that writes a whole stream at
 * once, measured against the flush on process.nextTick (which ran before
 * the next read of the same poll and before the end's promise jobs): a
 * 2-chunk chat stream 2 → 1, a 200-chunk one 3 → 1, a 500-chunk Responses
 * stream 4 → 1. (A test with fake timers must leave setImmediate real.)
 *
 * Texts wait as a list joined once per write: `+=` would build a rope that
 * the write then walks piece by piece (measured on a Responses stream:
 * 286 µs to size the rope against 45 µs for the joined text). Long byte
 * frames are not copied at all (takePending).
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
   * Queues a frame: it leaves with the others of this turn of the event
   * loop, or at once past the cap. Bytes (frames forwarded as the upstream
   * wrote them) are written as they are, never decoded.
   */
  write(frame: string | Uint8Array): void {
    this.pending.push(frame);
    this.pendingChars += frame.length;
    this.pendingBytes ||= typeof frame !== 'string';
    if (this.pendingChars >= MAX_COALESCED_CHARS) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  /**
   * Ends the response. The last frames and the end of the chunked body
   * leave in one socket write: end() uncorks what the writes before it
   * corked.
   */
  end(): void {
    const pieces = this.takePending();
    const last = pieces.pop();
    for (const piece of pieces) {
      this.raw.write(piece);
    }
    if (last === undefined) {
      this.raw.end();
    } else {
      this.raw.end(last);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    let fits = true;
    for (const piece of this.takePending()) {
      fits = this.raw.write(piece) && fits;
    }
    if (!fits) {
      this.flow.pause();
    }
  };

  /**
   * The pending frames as the pieces to write, emptied; none when nothing
   * can be written. Node's response corks its socket for the writes of one
   * tick, so the pieces leave in one syscall: a long byte frame goes to the
   * response as it is, and each run of the others between them is joined.
   */
  private takePending(): (string | Uint8Array)[] {
    const { pending, pendingBytes } = this;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingBytes = false;
    if (this.raw.destroyed || pending.length === 0) {
      return [];
    }
    return pendingBytes ? longBytesApart(pending) : [joined(pending)];
  }
}

/** The frames with each run of frames between long byte frames joined into one. */
function longBytesApart(
  frames: readonly (string | Uint8Array)[],
): (string | Uint8Array)[] {
  const pieces: (string | Uint8Array)[] = [];
  let run: (string | Uint8Array)[] = [];
  for (const frame of frames) {
    if (typeof frame === 'string' || frame.length < MIN_BYTES_WRITTEN_AS_IS) {
      run.push(frame);
      continue;
    }
    if (run.length > 0) {
      pieces.push(joined(run));
      run = [];
    }
    pieces.push(frame);
  }
  if (run.length > 0) {
    pieces.push(joined(run));
  }
  return pieces;
}

/** The frames as one text, or one buffer when any is bytes. */
function joined(frames: readonly (string | Uint8Array)[]): string | Uint8Array {
  if (frames.length === 1) {
    return frames[0]!;
  }
  return frames.every((frame) => typeof frame === 'string')
    ? frames.join('')
    : Buffer.concat(
        frames.map((frame) =>
          typeof frame === 'string' ? Buffer.from(frame) : frame,
        ),
      );
}
