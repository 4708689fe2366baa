import type { ParserEvent } from './parser-events.js';
import type { BlockEvent } from './tool-call.types.js';
import { lastOf } from '../common/arrays/last-of.js';

/** The calls of one block as the parser numbers them. */
export interface BlockCalls {
  /** Index of the call being streamed, -1 when none. */
  openCall: number;
  sawCall: boolean;
}

/**
 * The events the streaming parser produced and has not handed out yet, and
 * what it needs to know about them: the numbering of the calls, and whether
 * non-whitespace text went out (reasoning tags and leading markers count
 * only before it).
 */
export class ParserOutput {
  private events: ParserEvent[] = [];
  private nextIndex = 0;
  private textSinceStart = false;
  private textSinceBlock = false;

  /** Non-whitespace text was emitted since the message start. */
  get sawText(): boolean {
    return this.textSinceStart;
  }

  /** Non-whitespace text was emitted since the start or the last call block. */
  get sawTextSinceBlock(): boolean {
    return this.textSinceBlock;
  }

  /** The events so far; the output is empty afterwards. */
  take(): ParserEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  text(text: string): void {
    this.append('text', text);
  }

  reasoning(text: string): void {
    this.append('reasoning', text);
  }

  /** Turns a scanner's block events into parser events. */
  blockEvents(block: BlockCalls, events: readonly BlockEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case 'text':
        case 'reasoning':
          this.append(e.kind, e.text);
          break;
        case 'call_start':
          this.closeOpenCall(block);
          block.openCall = this.nextIndex++;
          block.sawCall = true;
          this.events.push({
            kind: 'tool_call_start',
            index: block.openCall,
            name: e.name,
          });
          break;
        case 'call_arguments':
          if (block.openCall >= 0 && e.delta !== '') {
            this.events.push({
              kind: 'tool_call_arguments',
              index: block.openCall,
              delta: e.delta,
            });
          }
          break;
        case 'call_end':
          this.closeOpenCall(block);
          break;
      }
    }
  }

  closeOpenCall(block: BlockCalls): void {
    if (block.openCall >= 0) {
      this.events.push({ kind: 'tool_call_end', index: block.openCall });
      block.openCall = -1;
    }
  }

  /** A block ended; one with calls makes reasoning tags count again. */
  blockClosed(block: BlockCalls): void {
    this.closeOpenCall(block);
    if (block.sawCall) {
      this.textSinceBlock = false;
    }
  }

  /** Appends text/reasoning, merging with a preceding event of the same kind. */
  private append(kind: 'text' | 'reasoning', text: string): void {
    if (text === '') {
      return;
    }
    if (kind === 'text' && (!this.textSinceStart || !this.textSinceBlock)) {
      if (/\S/.test(text)) {
        this.textSinceStart = true;
        this.textSinceBlock = true;
      }
    }
    const last = lastOf(this.events);
    if (last !== undefined && last.kind === kind) {
      this.events[this.events.length - 1] = { kind, text: last.text + text };
    } else {
      this.events.push({ kind, text });
    }
  }
}
