import { describe, expect, it } from 'vitest';
import { GoTemplateEngine } from './go-template-engine.js';
import { fromPlain, toGoYaml } from './go-values.js';
import { helmFunctions } from './helm-functions.js';

/** Renders one template with `values` as `.Values`, as a chart file would. */
function render(source: string, values: Record<string, unknown> = {}): string {
  const sut = new GoTemplateEngine(helmFunctions);
  sut.parse('t', source);
  return sut.execute('t', fromPlain({ Values: values }));
}

describe(GoTemplateEngine.name, () => {
  it('trims whitespace only on the side of a dash marker', () => {
    expect(render('a \n {{- "b" }} \n c')).toBe('ab \n c');
    expect(render('a \n {{ "b" -}} \n c')).toBe('a \n bc');
    expect(render('a {{/* note */}} b {{- /* note */ -}} c')).toBe('a  bc');
  });

  it('reads "{{-3}}" as the number -3, not as a trim marker', () => {
    expect(render('x {{-3}}')).toBe('x -3');
  });

  it('prints a missing value as nothing and fails on a field of nil', () => {
    expect(render('[{{ .Values.missing }}]')).toBe('[]');
    expect(() => render('{{ .Values.missing.field }}')).toThrow(
      'nil pointer evaluating interface {}.field',
    );
  });

  it('prints large float64 values from values in exponent form, as Helm does', () => {
    expect(
      render('{{ .Values.n }} {{ .Values.m }}', { n: 1_000_000, m: 300 }),
    ).toBe('1e+06 300');
    expect(
      render('{{ .Values.n | int }} {{ .Values.n | toJson }}', { n: 33554432 }),
    ).toBe('33554432 33554432');
  });

  it('refuses to compare a float64 from values with an int literal', () => {
    expect(() => render('{{ gt .Values.n 1 }}', { n: 2 })).toThrow(
      'incompatible types for comparison',
    );
    expect(render('{{ gt (int .Values.n) 1 }}', { n: 2 })).toBe('true');
  });

  it('refuses a float64 where a function takes an int', () => {
    expect(() => render('{{ nindent .Values.n "x" }}', { n: 2 })).toThrow(
      'expected int; got float64',
    );
  });

  it('chains else-if branches under one end', () => {
    const source =
      '{{ if eq .Values.a "x" }}X{{ else if eq .Values.a "y" }}Y{{ else }}Z{{ end }}';
    expect(['x', 'y', 'z'].map((a) => render(source, { a }))).toEqual([
      'X',
      'Y',
      'Z',
    ]);
  });

  it('ranges over maps in sorted key order, with else for empty ones', () => {
    const source =
      '{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ else }}none{{ end }}';
    expect(render(source, { m: { b: 'B', a: 'A' } })).toBe('a=A;b=B;');
    expect(render(source, { m: {} })).toBe('none');
    expect(
      render('{{ range $i, $v := .Values.l }}{{ $i }}{{ $v }}{{ end }}', {
        l: ['x', 'y'],
      }),
    ).toBe('0x1y');
  });

  it('keeps $ as the root inside with and range, and scopes variables to their block', () => {
    const source =
      '{{ $x := "outer" }}{{ with .Values.a }}{{ $x := "inner" }}{{ . }}{{ $.Values.b }}{{ $x }}{{ end }}{{ $x }}';
    expect(render(source, { a: 'A', b: 'B' })).toBe('ABinnerouter');
    expect(
      render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}'),
    ).toBe('2');
  });

  it('short-circuits and/or, so a guarded nil field is never evaluated', () => {
    expect(render('{{ and .Values.a .Values.a.b }}')).toBe('');
    expect(render('{{ or .Values.x "fallback" }}')).toBe('fallback');
  });

  it('includes a defined template with its own dot and pipes the result', () => {
    const source =
      '{{- define "t.name" -}}n-{{ .x }}{{- end }}{{ include "t.name" .Values | quote }}';
    expect(render(source, { x: 1 })).toBe('"n-1"');
  });

  it('fails to parse an unknown function, as Go does before executing', () => {
    expect(() => render('{{ if false }}{{ nosuch 1 }}{{ end }}')).toThrow(
      'function "nosuch" not defined',
    );
  });

  it('implements the sprig helpers the chart relies on', () => {
    expect(
      render('{{ printf "%s-%s" "a" "b" | trunc 3 | trimSuffix "-" }}'),
    ).toBe('a-b');
    expect(
      render('{{ "abc-" | trimSuffix "-" }} {{ contains "b" "abc" }}'),
    ).toBe('abc true');
    expect(render('{{ default "d" .Values.x }} {{ default "d" "v" }}')).toBe(
      'd v',
    );
    expect(render('{{ "ab" | b64enc }} {{ "" | sha256sum | trunc 8 }}')).toBe(
      'YWI= e3b0c442',
    );
    expect(render('{{ add .Values.n 30 }}', { n: 300 })).toBe('330');
    expect(
      render(
        '{{ kindIs "invalid" .Values.x }} {{ kindIs "float64" .Values.n }}',
        { n: 1 },
      ),
    ).toBe('true true');
    expect(render('{{ dict "b" 1 "a" "<x>" | toJson }}')).toBe(
      '{"a":"\\u003cx\\u003e","b":1}',
    );
  });

  it('indents every line of toYaml output with nindent', () => {
    expect(
      render('k:{{ toYaml .Values.m | nindent 2 }}', { m: { b: [1], a: 'x' } }),
    ).toBe('k:\n  a: x\n  b:\n  - 1');
  });
});

describe(toGoYaml.name, () => {
  it('quotes the YAML 1.1 booleans Kubernetes would misread', () => {
    expect(toGoYaml(fromPlain({ a: 'off', b: 'yes', c: 'plain' }))).toBe(
      'a: "off"\nb: "yes"\nc: plain',
    );
  });

  it('prints an empty map as {} and nil as null', () => {
    expect(toGoYaml({})).toBe('{}');
    expect(toGoYaml(null)).toBe('null');
  });
});
