/**
 * Lexer of the Go text/template subset the chart uses (see README.md here).
 * Splits a template into text and actions, applies the `{{-`/`-}}` trim
 * markers, drops comments, and turns each action into tokens.
 */

/** A scalar Go value as it appears literally in a template. */
export type GoLiteral = string | number | bigint | boolean | null;

/** One token inside `{{ … }}`. */
export type ActionToken =
  | { kind: 'literal'; value: GoLiteral }
  | { kind: 'dot' }
  | { kind: 'field'; path: string[]; adjacent: boolean }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'identifier'; name: string }
  | { kind: 'keyword'; name: string }
  | { kind: 'punct'; value: '(' | ')' | '|' | ',' | ':=' | '=' };

/** Text to copy, or one action with its position for error messages. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'action'; tokens: ActionToken[]; line: number };

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);
const SPACE = /[ \t\r\n]/;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[+-]?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** Thrown for text the subset cannot lex; names the template and line. */
export class TemplateSyntaxError extends Error {
  constructor(template: string, line: number, message: string) {
    super(`template: ${template}:${line}: ${message}`);
    this.name = TemplateSyntaxError.name;
  }
}

/** Splits `source` into segments; `name` only labels errors. */
export function lexTemplate(name: string, source: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= source.length) {
    const open = source.indexOf('{{', pos);
    const end = open === -1 ? source.length : open;
    let text = source.slice(pos, end);
    if (trimNextText) {
      text = text.replace(/^[ \t\r\n]+/, '');
    }
    // Go's trim marker is "{{-" followed by a space; "{{-3}}" is the number -3.
    const trimLeft = open !== -1 && /^\{\{-[ \t\r\n]/.test(source.slice(open));
    if (trimLeft) {
      text = text.replace(/[ \t\r\n]+$/, '');
    }
    if (text !== '') {
      segments.push({ kind: 'text', text });
    }
    if (open === -1) {
      break;
    }
    const line = source.slice(0, open).split('\n').length;
    const lexer = new ActionLexer(
      name,
      source,
      open + (trimLeft ? 3 : 2),
      line,
    );
    const action = lexer.lex();
    if (action.tokens.length > 0) {
      segments.push({ kind: 'action', tokens: action.tokens, line });
    }
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return segments;
}

class ActionLexer {
  private readonly tokens: ActionToken[] = [];

  constructor(
    private readonly name: string,
    private readonly src: string,
    private pos: number,
    private readonly line: number,
  ) {}

  lex(): { tokens: ActionToken[]; trimRight: boolean; end: number } {
    for (;;) {
      const spaced = this.skipSpace();
      if (this.src.startsWith('}}', this.pos)) {
        return { tokens: this.tokens, trimRight: false, end: this.pos + 2 };
      }
      if (spaced && this.src.startsWith('-}}', this.pos)) {
        return { tokens: this.tokens, trimRight: true, end: this.pos + 3 };
      }
      if (this.pos >= this.src.length) {
        throw this.error('unclosed action');
      }
      if (this.src.startsWith('/*', this.pos)) {
        this.skipComment();
        continue;
      }
      this.tokens.push(this.next(spaced));
    }
  }

  private next(spaced: boolean): ActionToken {
    const ch = this.src.charAt(this.pos);
    if (ch === '"' || ch === '`') {
      return { kind: 'literal', value: this.string(ch) };
    }
    if (ch === ':' && this.src.charAt(this.pos + 1) === '=') {
      this.pos += 2;
      return { kind: 'punct', value: ':=' };
    }
    if ('()|,='.includes(ch)) {
      this.pos += 1;
      return { kind: 'punct', value: ch as '(' | ')' | '|' | ',' | '=' };
    }
    if (ch === '.') {
      const path = this.path();
      return path.length === 0
        ? { kind: 'dot' }
        : { kind: 'field', path, adjacent: !spaced && this.afterParen() };
    }
    if (ch === '$') {
      this.pos += 1;
      const name = `$${this.word() ?? ''}`;
      return { kind: 'variable', name, path: this.path() };
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      const isInt = /^[+-]?\d+$/.test(number);
      return {
        kind: 'literal',
        value: isInt ? BigInt(number) : Number(number),
      };
    }
    const word = this.word();
    if (word === null) {
      throw this.error(`unexpected ${JSON.stringify(ch)} in action`);
    }
    if (word === 'true' || word === 'false') {
      return { kind: 'literal', value: word === 'true' };
    }
    if (word === 'nil') {
      return { kind: 'literal', value: null };
    }
    return KEYWORDS.has(word)
      ? { kind: 'keyword', name: word }
      : { kind: 'identifier', name: word };
  }

  private afterParen(): boolean {
    const last = this.tokens.at(-1);
    return last?.kind === 'punct' && last.value === ')';
  }

  /** `.a.b` → ['a', 'b']; a lone `.` → []. */
  private path(): string[] {
    const path: string[] = [];
    while (this.src.charAt(this.pos) === '.') {
      IDENTIFIER.lastIndex = this.pos + 1;
      const found = IDENTIFIER.exec(this.src);
      if (!found) {
        if (path.length === 0) {
          this.pos += 1;
        }
        break;
      }
      path.push(found[0]);
      this.pos = IDENTIFIER.lastIndex;
    }
    return path;
  }

  private word(): string | null {
    return this.match(IDENTIFIER);
  }

  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.src);
    if (!found) {
      return null;
    }
    this.pos = pattern.lastIndex;
    return found[0];
  }

  private string(quote: string): string {
    const close = quote === '`' ? this.src.indexOf('`', this.pos + 1) : -1;
    if (quote === '`') {
      if (close === -1) {
        throw this.error('unterminated raw string');
      }
      const raw = this.src.slice(this.pos + 1, close);
      this.pos = close + 1;
      return raw;
    }
    let i = this.pos + 1;
    while (i < this.src.length && this.src.charAt(i) !== '"') {
      i += this.src.charAt(i) === '\\' ? 2 : 1;
    }
    if (i >= this.src.length) {
      throw this.error('unterminated quoted string');
    }
    const literal = this.src.slice(this.pos, i + 1);
    this.pos = i + 1;
    // Go's escapes used in charts (\n, \t, \", \\, \uXXXX) read as JSON's.
    return JSON.parse(literal) as string;
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (SPACE.test(this.src.charAt(this.pos))) {
      this.pos += 1;
    }
    return this.pos > start;
  }

  private skipComment(): void {
    if (this.tokens.length > 0) {
      throw this.error('comment must be the whole action');
    }
    const close = this.src.indexOf('*/', this.pos + 2);
    if (close === -1) {
      throw this.error('unclosed comment');
    }
    this.pos = close + 2;
  }

  private error(message: string): TemplateSyntaxError {
    return new TemplateSyntaxError(this.name, this.line, message);
  }
}
