import {
  coerceBySchema,
  itemsSchema,
  propertySchema,
} from './schema-coercion.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

/**
 * Parser for the Gemma call syntax `call:NAME{key:value,…}` shared by Gemma 4
 * (strings quoted with `<|"|>`) and FunctionGemma (strings quoted with
 * `<escape>`). Keys are bare; quoted values are strings; nested `{…}` and
 * `[…]` are allowed; bare values (`42`, `true`) are typed with the schema.
 */

class SyntaxMismatch extends Error {}

class GemmaReader {
  i = 0;
  constructor(
    readonly s: string,
    readonly quote: string,
  ) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s.charAt(this.i))) {
      this.i++;
    }
  }

  eat(text: string): boolean {
    this.ws();
    if (this.s.startsWith(text, this.i)) {
      this.i += text.length;
      return true;
    }
    return false;
  }

  quoted(): string {
    const end = this.s.indexOf(this.quote, this.i);
    if (end < 0) {
      throw new SyntaxMismatch('unterminated string');
    }
    const text = this.s.slice(this.i, end);
    this.i = end + this.quote.length;
    return text;
  }

  key(): string {
    if (this.eat(this.quote)) {
      return this.quoted();
    }
    const match = /^[^\s:{}[\],]+/.exec(this.s.slice(this.i));
    if (match === null) {
      throw new SyntaxMismatch('key');
    }
    this.i += match[0].length;
    return match[0];
  }

  value(schema: unknown): unknown {
    this.ws();
    if (this.eat(this.quote)) {
      return this.quoted();
    }
    if (this.eat('{')) {
      return this.object(schema);
    }
    if (this.eat('[')) {
      const items: unknown[] = [];
      while (!this.eat(']')) {
        items.push(this.value(itemsSchema(schema)));
        if (!this.eat(',') && !this.s.startsWith(']', this.i)) {
          throw new SyntaxMismatch('array');
        }
      }
      return items;
    }
    // A bare value runs to the next separator; the schema decides its type.
    const start = this.i;
    while (this.i < this.s.length && !',}]'.includes(this.s.charAt(this.i))) {
      if (this.s.startsWith(this.quote, this.i)) {
        throw new SyntaxMismatch('quote inside bare value');
      }
      this.i++;
    }
    const raw = this.s.slice(start, this.i).trim();
    if (raw === '') {
      throw new SyntaxMismatch('empty value');
    }
    return coerceBySchema(raw, schema);
  }

  /** Reads the members after an opening `{` up to and including the `}`. */
  object(schema: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (!this.eat('}')) {
      const key = this.key();
      if (!this.eat(':')) {
        throw new SyntaxMismatch(':');
      }
      out[key] = this.value(propertySchema(schema, key));
      if (!this.eat(',') && !this.s.startsWith('}', this.i)) {
        throw new SyntaxMismatch('object');
      }
    }
    return out;
  }
}

/**
 * Parses one or more `call:NAME{…}` in a block body. Null on syntax errors,
 * on undeclared tools, or when there is no call.
 */
export function parseGemmaCalls(
  body: string,
  quote: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const r = new GemmaReader(body, quote);
  const calls: ParsedToolCall[] = [];
  try {
    for (;;) {
      r.ws();
      if (r.i >= body.length) {
        break;
      }
      if (!r.eat('call:')) {
        return null;
      }
      const match = /^[^\s{]+/.exec(body.slice(r.i));
      if (match === null || !ctx.tools.has(match[0])) {
        return null;
      }
      r.i += match[0].length;
      if (!r.eat('{')) {
        return null;
      }
      const args = r.object(ctx.tools.get(match[0]));
      calls.push({ name: match[0], arguments: JSON.stringify(args) });
      r.eat(',');
    }
  } catch (error) {
    if (error instanceof SyntaxMismatch) {
      return null;
    }
    throw error;
  }
  return calls.length > 0 ? calls : null;
}
