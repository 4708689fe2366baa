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
 * Frames produced in the same turn of the event loop (one upstream read
 * often carries many chunks, and the reads of one poll often carry a whole
 * fast stream) leave in one socket write: a write per frame costs a
 * syscall each, and on loopback the sender also pays for the receiver's
 * TCP work. The flush waits for setImmediate, after the I/O callbacks of
 * the loop's poll phase and the ticks and promise jobs they queued: the
 * frames of every read that came together, and what a stream's end
 * produces over a few promise steps (closing items, storing the response,
 * the terminal event, the end of the chunked body), go out together.
 * Frames that come apart (a model's tokens, most of the time) still leave
 * in the turn they came in. Writes per stream to the client, against an
 * upstream that writes a whole stream at once: a 2-chunk chat stream 2 to
 * 1, a 200-chunk one 3 to 1, a 500-chunk Responses stream 4 to 1 (with
 * process.nextTick, which ran before the end's promise jobs and before
 * the next read of the same poll). Texts wait as a list
 * joined once per write: `+=` would build a rope that the write then walks
 * piece by piece (measured on a Responses stream: 286 µs to size the rope
 * against 45 µs for the joined text). Bytes are not copied (takePending).
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
      setImmediate(this.flush);
    }
  }

  /** Ends the response: the last frames and the end of the chunked body share one write. */
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
   * can be written. Node's response corks the socket for the writes of one
   * tick, so the pieces still leave in one syscall: forwarded bytes (an
   * upstream read's run of frames, tens of KiB each) are written as they
   * are, not copied into one buffer, and each run of texts is joined. Past
   * a few pieces (a stream whose forwarded runs are short), one buffer
   * costs less than a write each.
   */
  private takePending(): (string | Uint8Array)[] {
    const { pending, pendingBytes } = this;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingBytes = false;
    if (this.raw.destroyed || pending.length === 0) {
      return [];
    }
    if (!pendingBytes) {
      return [pending.length === 1 ? pending[0]! : pending.join('')];
    }
    const pieces = textsJoined(pending);
    return pieces.length <= MAX_PIECES_PER_WRITE
      ? pieces
      : [Buffer.concat(pieces.map(asBytes))];
  }
}

/** Above this many pieces, a flush joins them into one buffer. */
const MAX_PIECES_PER_WRITE = 8;

/** The frames with each run of consecutive texts joined into one. */
function textsJoined(
  frames: readonly (string | Uint8Array)[],
): (string | Uint8Array)[] {
  const pieces: (string | Uint8Array)[] = [];
  let texts: string[] = [];
  for (const frame of frames) {
    if (typeof frame === 'string') {
      texts.push(frame);
      continue;
    }
    if (texts.length > 0) {
      pieces.push(texts.join(''));
      texts = [];
    }
    pieces.push(frame);
  }
  if (texts.length > 0) {
    pieces.push(texts.join(''));
  }
  return pieces;
}

function asBytes(piece: string | Uint8Array): Uint8Array {
  return typeof piece === 'string' ? Buffer.from(piece) : piece;
}
