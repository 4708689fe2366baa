/**
 * Parser for Python-style calls: `[f(a="x", n=2), g()]`, a bare `f(a=1)`, or
 * several calls on separate lines. Keyword arguments only; values are Python
 * (or JSON) literals. Shared by the pythonic (Llama 3.2/4), LFM2, OLMo 3 and
 * tool_code families.
 */

/** One call as written: its name and its keyword arguments. */
export interface PythonicCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** Thrown internally on any syntax error; never escapes this module. */
class SyntaxMismatch extends Error {}

const IDENT_START = /[A-Za-z_]/;
const NAME_CHAR = /[\w.-]/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s.charAt(this.i))) {
      this.i++;
    }
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) {
      throw new SyntaxMismatch(ch);
    }
    this.i++;
  }

  name(): string {
    this.ws();
    const start = this.i;
    if (!IDENT_START.test(this.peek())) {
      throw new SyntaxMismatch('name');
    }
    while (this.i < this.s.length && NAME_CHAR.test(this.s.charAt(this.i))) {
      this.i++;
    }
    return this.s.slice(start, this.i);
  }

  string(): string {
    const quote = this.peek();
    const triple = this.s.startsWith(quote.repeat(3), this.i);
    const close = triple ? quote.repeat(3) : quote;
    this.i += close.length;
    let out = '';
    while (this.i < this.s.length) {
      if (this.s.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const ch = this.s[this.i];
      if (ch === '\\') {
        out += this.escape();
        continue;
      }
      out += ch;
      this.i++;
    }
    throw new SyntaxMismatch('unterminated string');
  }

  private escape(): string {
    const next = this.s[this.i + 1] ?? '';
    if (next === 'u' || next === 'x') {
      const len = next === 'u' ? 4 : 2;
      const hex = this.s.slice(this.i + 2, this.i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
        throw new SyntaxMismatch('escape');
      }
      this.i += 2 + len;
      return String.fromCharCode(parseInt(hex, 16));
    }
    this.i += 2;
    return ESCAPES[next] ?? `\\${next}`;
  }

  value(): unknown {
    this.ws();
    const ch = this.peek();
    if (ch === '"' || ch === "'") {
      return this.string();
    }
    if (ch === '[' || ch === '(') {
      return this.sequence(ch === '[' ? ']' : ')');
    }
    if (ch === '{') {
      return this.dict();
    }
    const num = NUMBER.exec(this.s.slice(this.i));
    if (num !== null) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const word = /^[A-Za-z]+/.exec(this.s.slice(this.i))?.[0] ?? '';
    const constants: Record<string, unknown> = {
      True: true,
      False: false,
      None: null,
      true: true,
      false: false,
      null: null,
    };
    if (word !== '' && word in constants) {
      this.i += word.length;
      return constants[word];
    }
    throw new SyntaxMismatch('value');
  }

  private sequence(close: string): unknown[] {
    this.i++;
    const items: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === close) {
        this.i++;
        return items;
      }
      items.push(this.value());
      this.ws();
      if (this.peek() === ',') {
        this.i++;
      } else if (this.peek() !== close) {
        throw new SyntaxMismatch('sequence');
      }
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.peek() === '}') {
        this.i++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') {
        throw new SyntaxMismatch('dict key');
      }
      this.expect(':');
      out[String(key)] = this.value();
      this.ws();
      if (this.peek() === ',') {
        this.i++;
      } else if (this.peek() !== '}') {
        throw new SyntaxMismatch('dict');
      }
    }
  }

  call(): PythonicCall {
    const name = this.name();
    this.expect('(');
    const args: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.peek() === ')') {
        this.i++;
        return { name, args };
      }
      const key = this.name();
      this.expect('=');
      args[key] = this.value();
      this.ws();
      if (this.peek() === ',') {
        this.i++;
      } else if (this.peek() !== ')') {
        throw new SyntaxMismatch('call');
      }
    }
  }
}

/**
 * Parses one or more Python-style calls: an optional `[ … ]` list of calls
 * separated by commas, or bare calls separated by commas, semicolons or line
 * breaks. Null on any syntax error or when there is no call.
 */
export function parsePythonicCalls(text: string): PythonicCall[] | null {
  const r = new Reader(text);
  try {
    r.ws();
    const bracketed = r.peek() === '[';
    if (bracketed) {
      r.i++;
    }
    const calls: PythonicCall[] = [];
    for (;;) {
      r.ws();
      if (bracketed && r.peek() === ']') {
        r.i++;
        break;
      }
      if (!bracketed && r.peek() === '') {
        break;
      }
      calls.push(r.call());
      r.ws();
      if (r.peek() === ',' || r.peek() === ';') {
        r.i++;
      }
    }
    r.ws();
    return r.peek() === '' && calls.length > 0 ? calls : null;
  } catch (error) {
    if (error instanceof SyntaxMismatch) {
      return null;
    }
    throw error;
  }
}

/**
 * Early verdict for text that should start with a pythonic call list:
 * optional `[`, then a declared tool name, then `(`.
 */
export function pythonicStartVerdict(
  body: string,
  isDeclared: (name: string) => boolean,
  bracket: 'required' | 'optional',
): 'yes' | 'no' | 'maybe' {
  let text = body.trimStart();
  if (text.startsWith('[')) {
    text = text.slice(1).trimStart();
  } else if (bracket === 'required') {
    return text === '' ? 'maybe' : 'no';
  }
  const match = /^[A-Za-z_][\w.-]*/.exec(text);
  if (match === null) {
    return text === '' ? 'maybe' : 'no';
  }
  const rest = text.slice(match[0].length).trimStart();
  if (rest === '') {
    return 'maybe';
  }
  return rest.startsWith('(') && isDeclared(match[0]) ? 'yes' : 'no';
}
