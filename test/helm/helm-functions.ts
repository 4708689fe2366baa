/**
 * The Go builtins and the Helm/sprig functions the chart uses, with their
 * Go argument types enforced: an `int` parameter refuses a float64 from
 * values, as Go's template engine does. Anything else is "not defined".
 */
import { createHash } from 'node:crypto';
import type { GoFunction, GoTemplateEngine } from './go-template-engine.js';
import {
  formatValue,
  goEquals,
  goLess,
  isMap,
  isTrue,
  kindOf,
  stringValue,
  toGoJson,
  toGoYaml,
  type GoValue,
} from './go-values.js';

function expectString(value: GoValue | undefined): string {
  if (typeof value !== 'string') {
    throw new Error(
      `wrong type for value; expected string; got ${kindOf(value ?? null)}`,
    );
  }
  return value;
}

function expectInt(value: GoValue | undefined): number {
  if (typeof value !== 'bigint') {
    throw new Error(
      `wrong type for value; expected int; got ${kindOf(value ?? null)}`,
    );
  }
  return Number(value);
}

/** spf13/cast's ToInt64, which sprig's `int` and `add` use. */
function castInt(value: GoValue): bigint {
  if (typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'number') {
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'boolean') {
    return value ? 1n : 0n;
  }
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) {
    return BigInt(value.trim());
  }
  return 0n;
}

/** sprig's `empty`. */
function isEmpty(value: GoValue): boolean {
  return !isTrue(value);
}

function indent(
  spaces: GoValue | undefined,
  text: GoValue | undefined,
): string {
  const pad = ' '.repeat(expectInt(spaces));
  return pad + expectString(text).replaceAll('\n', `\n${pad}`);
}

/** fmt.Sprintf for the verbs charts use: %s %d %v %q %%. */
function sprintf(format: string, args: GoValue[]): string {
  let next = 0;
  const text = format.replace(/%([a-z%])/gi, (match, verb: string) => {
    if (verb === '%') {
      return '%';
    }
    if (next >= args.length) {
      return `%!${verb}(MISSING)`;
    }
    const arg = args[next++] ?? null;
    switch (verb) {
      case 'v':
        return formatValue(arg);
      case 's':
        return typeof arg === 'string'
          ? arg
          : `%!s(${kindOf(arg)}=${formatValue(arg)})`;
      case 'd':
        return typeof arg === 'bigint'
          ? String(arg)
          : `%!d(${kindOf(arg)}=${formatValue(arg)})`;
      case 'q':
        return JSON.stringify(stringValue(arg));
      default:
        throw new Error(`printf verb ${match} is outside the supported subset`);
    }
  });
  const extra = args.slice(next);
  return extra.length === 0
    ? text
    : `${text}%!(EXTRA ${extra.map((a) => `${kindOf(a)}=${formatValue(a)}`).join(', ')})`;
}

/** fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: GoValue[]): string {
  return args
    .map((arg, i) => {
      const previous = args[i - 1];
      const spaced =
        i > 0 && typeof arg !== 'string' && typeof previous !== 'string';
      return (spaced ? ' ' : '') + formatValue(arg);
    })
    .join('');
}

function compare(
  name: string,
  test: (a: GoValue, b: GoValue) => boolean,
): GoFunction {
  return (...args) => {
    if (args.length !== 2) {
      throw new Error(
        `wrong number of args for ${name}: want 2 got ${args.length}`,
      );
    }
    return test(args[0]!, args[1]!);
  };
}

/** The function table of a Helm engine; `include` renders through `engine`. */
export function helmFunctions(
  engine: GoTemplateEngine,
): Record<string, GoFunction> {
  return {
    // Go builtins (`and`/`or` are built into the engine: they short-circuit).
    not: (value = null) => !isTrue(value),
    eq: (a = null, ...rest) => rest.some((b) => goEquals(a, b)),
    ne: compare('ne', (a, b) => !goEquals(a, b)),
    lt: compare('lt', (a, b) => goLess(a, b, 'lt')),
    le: compare('le', (a, b) => goLess(a, b, 'le') || goEquals(a, b)),
    gt: compare('gt', (a, b) => goLess(b, a, 'gt')),
    ge: compare('ge', (a, b) => goLess(b, a, 'ge') || goEquals(a, b)),
    len: (value = null) => {
      if (typeof value === 'string' || Array.isArray(value)) {
        return BigInt(value.length);
      }
      if (isMap(value)) {
        return BigInt(Object.keys(value).length);
      }
      throw new Error(`len of type ${kindOf(value)}`);
    },
    print: (...args) => sprint(args),
    printf: (format, ...args) => sprintf(expectString(format), args),
    // Helm's own.
    include: (name, data = null) => engine.execute(expectString(name), data),
    required: (message, value = null) => {
      if (value === null || value === '') {
        throw new Error(expectString(message));
      }
      return value;
    },
    fail: (message) => {
      throw new Error(expectString(message));
    },
    toYaml: (value = null) => toGoYaml(value),
    toJson: (value = null) => toGoJson(value),
    toPrettyJson: (value = null) => toGoJson(value, 2),
    // sprig.
    default: (fallback = null, ...given) =>
      given.length === 0 || isEmpty(given[0] ?? null) ? fallback : given[0]!,
    empty: (value = null) => isEmpty(value),
    kindIs: (kind, value = null) => expectString(kind) === kindOf(value),
    toString: (value: GoValue = null) => stringValue(value),
    int: (value = null) => castInt(value),
    int64: (value = null) => castInt(value),
    add: (...values) => values.reduce<bigint>((sum, v) => sum + castInt(v), 0n),
    quote: (...values) =>
      values
        .filter((v) => v !== null)
        .map((v) => JSON.stringify(stringValue(v)))
        .join(' '),
    trunc: (count, text) => {
      const length = expectInt(count);
      const value = expectString(text);
      return length < 0
        ? value.slice(Math.max(0, value.length + length))
        : value.slice(0, length);
    },
    trimSuffix: (suffix, text) => {
      const [s, value] = [expectString(suffix), expectString(text)];
      return s !== '' && value.endsWith(s) ? value.slice(0, -s.length) : value;
    },
    contains: (part, text) => expectString(text).includes(expectString(part)),
    replace: (from, to, text) =>
      expectString(text).replaceAll(expectString(from), expectString(to)),
    indent: (spaces, text) => indent(spaces, text),
    nindent: (spaces, text) => `\n${indent(spaces, text)}`,
    b64enc: (text) =>
      Buffer.from(expectString(text), 'utf8').toString('base64'),
    sha256sum: (text) =>
      createHash('sha256').update(expectString(text), 'utf8').digest('hex'),
    dict: (...pairs) => {
      const map: { [key: string]: GoValue } = {};
      for (let i = 0; i < pairs.length; i += 2) {
        map[stringValue(pairs[i] ?? null)] = pairs[i + 1] ?? null;
      }
      return map;
    },
  };
}
