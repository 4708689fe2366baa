import 'reflect-metadata';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from '../validation/class-validator.js';
import { validateSync } from '../validation/class-validator.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatCompletionRequestDto } from '../../chat-completions/chat-completion-request.dto.js';
import { MessagesRequestDto } from '../../messages/request/messages-request.dto.js';
import { CreateResponseDto } from '../../responses/dto/create-response.dto.js';
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

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(9)
  count!: number;

  // Checked only when the body says so: a condition of its own.
  @ValidateIf((body: { flag?: unknown }) => body.flag === true)
  @IsString()
  items?: string;
}

class EachDto {
  @IsString({ each: true })
  name!: string[];
}

class NestedDto {
  @ValidateNested()
  name!: object;
}

// Review (R-review11): a condition that reads an accessor of the DTO's
// prototype sees it on the instance class-validator checks, not on the body.
class AccessorConditionDto {
  get streaming(): boolean {
    return (this as { stream?: unknown }).stream === true;
  }

  @ValidateIf((dto: AccessorConditionDto) => dto.streaming)
  @IsString()
  name?: string;
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
  'count',
  'input',
  'max_tokens',
  'max_output_tokens',
  'temperature',
  'top_logprobs',
  'metadata',
  'stop_sequences',
  'truncation',
  'include',
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
    ['a DTO of number rules and a condition', OtherRuleDto],
    ['CreateResponseDto', CreateResponseDto],
    ['MessagesRequestDto', MessagesRequestDto],
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
          // A `constructor` key always goes to class-validator (quick-validation.ts).
          if (
            !Object.values(body).some(isBoxed) &&
            !Object.hasOwn(body, 'constructor')
          ) {
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

  it('has none for a DTO with a rule it does not run as the executor does, or a validated name on its prototype', () => {
    expect(quickCheckOf(EachDto)).toBeUndefined();
    expect(quickCheckOf(NestedDto)).toBeUndefined();
    expect(quickCheckOf(MethodDto)).toBeUndefined();
  });

  it('never passes a body class-validator refuses when a condition reads the prototype (review R-review11)', () => {
    const body = { stream: true, name: 5 };
    expect(plainVerdict(AccessorConditionDto, body)).toBe(false);
    expect(quickCheckOf(AccessorConditionDto)?.(body) ?? false).toBe(false);
  });

  it('passes a Responses body a coding agent sends, and refuses a bad field rule', () => {
    const check = quickCheckOf(CreateResponseDto)!;
    expect(check).toBeDefined();
    const body = {
      model: 'm',
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: 'hi' }],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      stream: true,
      store: false,
    };
    expect(check(body)).toBe(true);
    expect(plainVerdict(CreateResponseDto, body)).toBe(true);
    const bad = { ...body, input: [{ type: 'no_such_item' }] };
    expect(check(bad)).toBe(false);
    expect(plainVerdict(CreateResponseDto, bad)).toBe(false);
  });
});
