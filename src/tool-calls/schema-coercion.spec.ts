import { describe, expect, it } from 'vitest';
import { parseGemmaCalls } from './gemma-call-syntax.js';
import { parseGlmBody } from './glm.parser.js';
import { parseMiniMaxBody } from './minimax-m2.parser.js';
import { parseQwenXmlFunctions } from './qwen3-coder-xml.parser.js';
import { coerceBySchema } from './schema-coercion.js';
import type { JsonSchema, ParseContext } from './tool-call.types.js';

describe(coerceBySchema.name, () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['42', { type: 'integer' }, 42],
    [' -7 ', { type: 'integer' }, -7],
    ['3.5', { type: 'number' }, 3.5],
    ['1e3', { type: 'number' }, 1000],
    ['true', { type: 'boolean' }, true],
    ['False', { type: 'boolean' }, false],
    ['null', { type: 'null' }, null],
    ['null', { type: ['string', 'null'] }, null],
    ['{"a": [1, 2]}', { type: 'object' }, { a: [1, 2] }],
    ['["x", "y"]', { type: 'array', items: { type: 'string' } }, ['x', 'y']],
    ['007', { type: 'string' }, '007'],
    ['  Paris  ', { type: 'string' }, '  Paris  '],
    ['true', { type: 'string' }, 'true'],
    ['12', { anyOf: [{ type: 'integer' }, { type: 'null' }] }, 12],
    ['high', { enum: ['low', 'high'] }, 'high'],
    ['2', { enum: [1, 2, 3] }, 2],
    ['abc', { type: 'integer' }, 'abc'],
    ['not json', { type: 'object' }, 'not json'],
    ['[1]', { type: 'object' }, '[1]'],
    // Unknown parameter: JSON if it parses, else the string.
    ['5', undefined, 5],
    ['{"k": true}', undefined, { k: true }],
    ['Paris', undefined, 'Paris'],
    ['"quoted"', {}, 'quoted'],
  ];
  for (const [raw, schema, expected] of cases) {
    it(`${JSON.stringify(raw)} with ${JSON.stringify(schema)}`, () => {
      expect(coerceBySchema(raw, schema)).toEqual(expected);
    });
  }
});

describe('XML value coercion by schema', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      count: { type: 'integer' },
      ratio: { type: 'number' },
      dry_run: { type: 'boolean' },
      filter: { type: 'object' },
      tags: { type: 'array' },
      note: { type: ['string', 'null'] },
      zip: { type: 'string' },
      nested: {
        type: 'object',
        properties: { level: { type: 'integer' }, label: { type: 'string' } },
      },
    },
  };
  const ctx: ParseContext = { tools: new Map([['run', schema]]) };
  const expected = {
    count: 3,
    ratio: 0.25,
    dry_run: true,
    filter: { a: 1 },
    tags: ['x'],
    note: null,
    zip: '01234',
    extra: 17,
  };

  it('types Qwen3-Coder parameters', () => {
    const body = [
      '<function=run>',
      ...Object.entries({
        count: '3',
        ratio: '0.25',
        dry_run: 'true',
        filter: '{"a": 1}',
        tags: '["x"]',
        note: 'null',
        zip: '01234',
        extra: '17',
      }).map(([k, v]) => `<parameter=${k}>\n${v}\n</parameter>`),
      '</function>',
    ].join('\n');
    expect(JSON.parse(parseQwenXmlFunctions(body, ctx)![0]!.arguments)).toEqual(
      expected,
    );
  });

  it('keeps inner line breaks of Qwen3-Coder strings, dropping only the outer ones', () => {
    const body =
      '<function=run>\n<parameter=zip>\nline 1\nline 2\n</parameter>\n</function>';
    expect(JSON.parse(parseQwenXmlFunctions(body, ctx)![0]!.arguments)).toEqual(
      { zip: 'line 1\nline 2' },
    );
  });

  it('types GLM arg values', () => {
    const body =
      'run<arg_key>count</arg_key><arg_value>3</arg_value><arg_key>dry_run</arg_key><arg_value>false</arg_value><arg_key>zip</arg_key><arg_value>007</arg_value>';
    expect(JSON.parse(parseGlmBody(body, ctx)![0]!.arguments)).toEqual({
      count: 3,
      dry_run: false,
      zip: '007',
    });
  });

  it('types MiniMax parameters', () => {
    const body =
      '<invoke name="run"><parameter name="ratio">1.5</parameter><parameter name=\'tags\'>[1,2]</parameter></invoke>';
    expect(JSON.parse(parseMiniMaxBody(body, ctx)![0]!.arguments)).toEqual({
      ratio: 1.5,
      tags: [1, 2],
    });
  });

  it('types Gemma 4 bare values, also nested, and keeps quoted strings', () => {
    const body =
      'call:run{count:3,zip:<|"|>01234<|"|>,dry_run:true,nested:{level:2,label:<|"|>a, b<|"|>},extra:17}';
    expect(
      JSON.parse(parseGemmaCalls(body, '<|"|>', ctx)![0]!.arguments),
    ).toEqual({
      count: 3,
      zip: '01234',
      dry_run: true,
      nested: { level: 2, label: 'a, b' },
      extra: 17,
    });
  });
});
