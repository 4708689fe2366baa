import 'reflect-metadata';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
} from 'class-validator';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestDto } from '../../chat-completions/chat-completion-request.dto.js';
import { quickCheckOf } from './quick-validation.js';

class TypesDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsArray()
  items?: unknown[];

  @IsOptional()
  @IsBoolean()
  flag?: boolean;
}

class OtherRuleDto {
  @IsString()
  name!: string;

  @IsInt()
  count!: number;
}

class MethodDto {
  @IsString()
  name!: string;

  // A validated name the prototype also holds reads differently on an instance.
  @IsOptional()
  @IsString()
  label(): string {
    return 'x';
  }
}

/** class-validator's verdict, on the instance the pipe builds (validate-request.pipe.ts). */
function plainVerdict(dto: new () => object, body: object): boolean {
  const instance = Object.create(dto.prototype as object) as object;
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'constructor') {
      Object.defineProperty(instance, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return validateSync(instance, { forbidUnknownValues: false }).length === 0;
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }),
  // Not JSON, but class-validator accepts them: the quick check may only refuse.
  fc.string().map((text) => new String(text)),
  fc.boolean().map((flag) => new Boolean(flag)),
);

const FIELD_NAMES = [
  'model',
  'messages',
  'stream',
  'name',
  'items',
  'flag',
  'constructor',
  'other',
] as const;

const anyBody = fc
  .array(fc.tuple(fc.constantFrom(...FIELD_NAMES), anyValue), { maxLength: 6 })
  .map((entries) => {
    const body: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      Object.defineProperty(body, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return body;
  });

const isBoxed = (value: unknown): boolean =>
  value instanceof String || value instanceof Boolean;

describe(quickCheckOf.name, () => {
  it.each([
    ['ChatCompletionRequestDto', ChatCompletionRequestDto],
    ['a DTO of type rules', TypesDto],
  ] as const)(
    'never passes a body class-validator refuses, and passes every JSON body it passes (%s)',
    (_name, dto) => {
      const check = quickCheckOf(dto);
      expect(check).toBeDefined();
      fc.assert(
        fc.property(anyBody, (body) => {
          const plain = plainVerdict(dto, body);
          const quick = check!(body);
          if (quick) {
            expect(plain).toBe(true);
          }
          if (!Object.values(body).some(isBoxed)) {
            expect(quick).toBe(plain);
          }
        }),
        { numRuns: 2000 },
      );
    },
  );

  it('passes a plain chat body', () => {
    const check = quickCheckOf(ChatCompletionRequestDto)!;
    expect(
      check({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    ).toBe(true);
    expect(check({ model: 'm', messages: [], stream: null })).toBe(true);
    expect(check({ model: 'm', messages: [], stream: 'yes' })).toBe(false);
  });

  it('has none for a DTO with any other rule, or a validated name on its prototype', () => {
    expect(quickCheckOf(OtherRuleDto)).toBeUndefined();
    expect(quickCheckOf(MethodDto)).toBeUndefined();
  });
});
