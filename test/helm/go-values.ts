/**
 * Go's view of template data, as Helm sees it. Helm reads values through
 * JSON, so every number in values is a float64 (a JS `number`); integer
 * literals and the results of `int`/`add`/`len` are int64 (a JS `bigint`).
 * Maps are plain objects, slices arrays, nil is `null`.
 */
import { stringify as stringifyYaml } from 'yaml';

/** Any value a template can hold. */
export type GoValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | GoValue[]
  | { [key: string]: GoValue };

/** Thrown while executing a template, as Go's `error calling …` errors are. */
export class TemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = TemplateExecError.name;
  }
}

export function isMap(value: unknown): value is { [key: string]: GoValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** reflect.Kind's name, as sprig's `kindOf`/`kindIs` report it. */
export function kindOf(value: GoValue): string {
  if (value === null) {
    return 'invalid';
  }
  if (Array.isArray(value)) {
    return 'slice';
  }
  const kinds: Record<string, string> = {
    string: 'string',
    number: 'float64',
    bigint: 'int64',
    boolean: 'bool',
  };
  return kinds[typeof value] ?? 'map';
}

/** Go's truth: false, 0, nil and empty strings, slices and maps are false. */
export function isTrue(value: GoValue): boolean {
  if (value === null) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (isMap(value)) {
    return Object.keys(value).length > 0;
  }
  return value !== false && value !== 0 && value !== 0n && value !== '';
}

/**
 * strconv.FormatFloat(f, 'g', -1, 64), which `%v` uses: shortest digits,
 * and the exponent form below 1e-4 and from 1e6 on, which is why
 * `{{ .Values.big }}` prints 1e+06 in Helm.
 */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** fmt's `%v`; `nil` is `<nil>` here, and Helm prints a missing value as "". */
export function formatValue(value: GoValue): string {
  if (value === null) {
    return '<nil>';
  }
  if (typeof value === 'number') {
    return formatFloat(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(formatValue).join(' ')}]`;
  }
  if (isMap(value)) {
    const pairs = Object.keys(value)
      .sort()
      .map((key) => `${key}:${formatValue(value[key] ?? null)}`);
    return `map[${pairs.join(' ')}]`;
  }
  return String(value);
}

/** What sprig's `strval` makes of a value. */
export function stringValue(value: GoValue): string {
  return typeof value === 'string' ? value : formatValue(value);
}

type BasicKind = 'bool' | 'int' | 'float' | 'string';

const BASIC_KINDS: Record<string, BasicKind> = {
  boolean: 'bool',
  bigint: 'int',
  number: 'float',
  string: 'string',
};

/** The kind Go compares by; null for nil, maps and slices. */
function basicKind(value: GoValue): BasicKind | null {
  return value === null ? null : (BASIC_KINDS[typeof value] ?? null);
}

/** Go's `eq`: same basic kinds only; an int and a float64 are an error. */
export function goEquals(a: GoValue, b: GoValue): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === null || kb === null) {
    throw new TemplateExecError(
      'error calling eq: invalid type for comparison',
    );
  }
  if (ka !== kb) {
    throw new TemplateExecError(
      'error calling eq: incompatible types for comparison',
    );
  }
  return a === b;
}

/** Go's `lt`, the base of `le`, `gt` and `ge`. */
export function goLess(a: GoValue, b: GoValue, name: string): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === null || kb === null || ka === 'bool' || kb === 'bool') {
    throw new TemplateExecError(
      `error calling ${name}: invalid type for comparison`,
    );
  }
  if (ka !== kb) {
    throw new TemplateExecError(
      `error calling ${name}: incompatible types for comparison`,
    );
  }
  return (a as string | number | bigint) < (b as string | number | bigint);
}

/** The value as plain JSON data (int64s as numbers), keys sorted as Go sorts them. */
export function toPlain(value: GoValue): unknown {
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (Array.isArray(value)) {
    return value.map(toPlain);
  }
  if (isMap(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, toPlain(value[key] ?? null)]),
    );
  }
  return value;
}

/** Helm's `toJson`/`toPrettyJson`: encoding/json, which escapes <, > and &. */
export function toGoJson(value: GoValue, indent = 0): string {
  return JSON.stringify(toPlain(value), null, indent).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Helm's `toYaml` (go-yaml v2): YAML 1.1, so `off`, `yes` and `on` are
 * quoted as the booleans they would otherwise be; block style, sorted keys,
 * unindented sequences, no final newline.
 */
export function toGoYaml(value: GoValue): string {
  const text = stringifyYaml(toPlain(value), {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
  });
  return text.replace(/\n$/, '');
}

/** Turns parsed YAML/JSON into template data: numbers stay float64. */
export function fromPlain(value: unknown): GoValue {
  if (value === undefined || value === null) {
    return null;
  }
  if (Array.isArray(value)) {
    return value.map(fromPlain);
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, fromPlain(item)]),
    );
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  throw new TypeError(`not template data: ${typeof value}`);
}
