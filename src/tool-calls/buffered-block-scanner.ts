import type { BlockEvent, BlockScan, BlockScanner } from './tool-call.types.js';

/**
 * A block scanner that keeps only the part of the block it has not read
 * yet: `buf` holds it, and `pos` is the block offset of its first char, so
 * the lengths a scan reports count from the block start however much of
 * the block was dropped.
 */
export abstract class BufferedBlockScanner implements BlockScanner {
  protected buf = '';
  protected pos = 0;

  feed(text: string, atEnd: boolean): BlockScan {
    this.buf += text;
    return this.scan(text, atEnd);
  }

  /** Reads what `buf` holds now; `fresh` is the text this feed added. */
  protected abstract scan(fresh: string, atEnd: boolean): BlockScan;

  /** Done with the first `n` chars of `buf`. */
  protected drop(n: number): void {
    this.buf = this.buf.slice(n);
    this.pos += n;
  }
}

/**
 * A BufferedBlockScanner written as a state machine: each `step` reads what
 * its state can from `buf` and returns a scan once it must wait for more
 * text or has decided; `events` collects what one feed found.
 */
export abstract class SteppedBlockScanner extends BufferedBlockScanner {
  protected events: BlockEvent[] = [];
  protected atEnd = false;

  protected scan(_fresh: string, atEnd: boolean): BlockScan {
    this.events = [];
    this.atEnd = atEnd;
    return this.stepUntilScan();
  }

  protected stepUntilScan(): BlockScan {
    for (;;) {
      const result = this.step();
      if (result !== undefined) {
        return result;
      }
    }
  }

  /** One state's reading: a scan, or undefined to go on in the next state. */
  protected abstract step(): BlockScan | undefined;
}
