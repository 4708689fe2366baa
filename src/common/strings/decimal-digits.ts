/**
 * The sequence numbers below this are written from a table: a stream's
 * events count up from 0, and most streams stay under it. ~24 bytes a
 * string, so at most ~0.5 MiB once a stream has gone that far.
 */
const TABLE_SIZE = 16_384;

/** Filled in order as streams reach each number: a dense array of one-byte strings. */
const table: string[] = [];

/**
 * The decimal digits of a non-negative safe integer, as a one-byte string
 * that is never V8's shared number-string (which can be a two-byte copy;
 * see bench/README.md, "One-byte numbers"). `toFixed(0)` builds one in a
 * call into V8's C++ runtime, about 340 instructions, once per event of
 * every stream; from the table it is an array read.
 */
export function decimalDigits(value: number): string {
  if (value >= TABLE_SIZE || value < 0) {
    return value.toFixed(0);
  }
  while (table.length <= value) {
    table.push(table.length.toFixed(0));
  }
  return table[value]!;
}
