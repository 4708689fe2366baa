/**
 * Incremental scanner that finds where a bracketed value (`{…}`, `[…]`,
 * `(…)`) ends, skipping over quoted strings. Used to delimit JSON values and
 * Python call lists in a stream without parsing them.
 */
export class BalancedValueScanner {
  private depth = 0;
  private quote: string | null = null;
  private escaped = false;

  /** @param quotes chars that open/close strings (`"` for JSON, `"'` for Python) */
  constructor(private readonly quotes = '"') {}

  /**
   * Reads the next piece of the value (the first piece starts at the opening
   * bracket). Returns the index in `text` just past the closing bracket, or
   * -1 when the whole piece is inside the value.
   */
  consume(text: string): number {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (this.quote !== null) {
        if (this.escaped) {
          this.escaped = false;
        } else if (ch === '\\') {
          this.escaped = true;
        } else if (ch === this.quote) {
          this.quote = null;
        }
      } else if (this.quotes.includes(ch)) {
        this.quote = ch;
      } else if (ch === '{' || ch === '[' || ch === '(') {
        this.depth++;
      } else if (ch === '}' || ch === ']' || ch === ')') {
        this.depth--;
        if (this.depth <= 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }
}
