/** A piece of assistant content, classified. */
export interface ThinkSegment {
  kind: 'reasoning' | 'content';
  text: string;
}

/** The tags that enclose reasoning inside `content`. */
export interface ThinkTags {
  open: string;
  close: string;
}

const DEFAULT_TAGS: ThinkTags = { open: '<think>', close: '</think>' };

type State = 'start' | 'reasoning' | 'after-close' | 'content';

/**
 * Splits `<think>…</think>` at the start of streamed `content` (some backends
 * put the reasoning there instead of `reasoning_content`). Tags may arrive
 * split across chunks; only text that could still be the start of a tag is
 * held back. Whitespace right after each tag is dropped. Content that does
 * not open with the tag passes through untouched.
 */
export class ThinkTagSplitter {
  private state: State = 'start';
  private buffer = '';
  private reasoningStarted = false;

  constructor(private readonly tags: ThinkTags = DEFAULT_TAGS) {}

  /** True once everything else is plain content: push() would return it as it is. */
  get passesThrough(): boolean {
    return this.state === 'content' && this.buffer === '';
  }

  /** Feeds one content delta; returns what can be emitted now, in order. */
  push(text: string): ThinkSegment[] {
    this.buffer += text;
    const out: ThinkSegment[] = [];
    for (;;) {
      switch (this.state) {
        case 'start':
          if (!this.readStart()) {
            return out;
          }
          break;
        case 'reasoning':
          if (!this.readReasoning(out)) {
            return out;
          }
          break;
        case 'after-close':
          this.buffer = this.buffer.trimStart();
          if (this.buffer === '') {
            return out;
          }
          this.state = 'content';
          break;
        case 'content':
          emit(out, 'content', this.buffer);
          this.buffer = '';
          return out;
      }
    }
  }

  /** Ends the stream: releases anything held back (an unclosed think block is reasoning). */
  flush(): ThinkSegment[] {
    const out: ThinkSegment[] = [];
    if (this.state === 'start') {
      emit(out, 'content', this.buffer);
    } else if (this.state === 'reasoning') {
      emit(out, 'reasoning', this.buffer);
    }
    this.buffer = '';
    this.state = 'content';
    return out;
  }

  /** Returns true when the state changed and reading should go on. */
  private readStart(): boolean {
    const trimmed = this.buffer.trimStart();
    if (trimmed.startsWith(this.tags.open)) {
      this.buffer = trimmed.slice(this.tags.open.length);
      this.state = 'reasoning';
      return true;
    }
    if (this.tags.open.startsWith(trimmed)) {
      // Whitespace, or a possible partial tag: wait for more.
      return false;
    }
    this.state = 'content';
    return true;
  }

  private readReasoning(out: ThinkSegment[]): boolean {
    if (!this.reasoningStarted) {
      this.buffer = this.buffer.trimStart();
      if (this.buffer === '') {
        return false;
      }
      this.reasoningStarted = true;
    }
    const close = this.buffer.indexOf(this.tags.close);
    if (close >= 0) {
      emit(out, 'reasoning', this.buffer.slice(0, close));
      this.buffer = this.buffer.slice(close + this.tags.close.length);
      this.state = 'after-close';
      return true;
    }
    const held = partialSuffix(this.buffer, this.tags.close);
    emit(out, 'reasoning', this.buffer.slice(0, this.buffer.length - held));
    this.buffer = this.buffer.slice(this.buffer.length - held);
    return false;
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (
    let length = Math.min(tag.length - 1, text.length);
    length > 0;
    length--
  ) {
    if (tag.startsWith(text.slice(text.length - length))) {
      return length;
    }
  }
  return 0;
}

function emit(
  out: ThinkSegment[],
  kind: ThinkSegment['kind'],
  text: string,
): void {
  if (text === '') {
    return;
  }
  const last = out.at(-1);
  if (last?.kind === kind) {
    last.text += text;
  } else {
    out.push({ kind, text });
  }
}
