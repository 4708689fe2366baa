import { IsInt, IsOptional, IsString } from '../validation/class-validator.js';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../errors/gateway.exception.js';
import { CheckedBy } from './checked-by.decorator.js';
import { invalidRequest } from './field-guards.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { ValidateRequestPipe, validatedBody } from './validate-request.pipe.js';

function noBlue(items: unknown): void {
  if (Array.isArray(items) && items.includes('blue')) {
    throw invalidRequest(
      `items[${items.indexOf('blue')}]`,
      'Blue is not allowed.',
    );
  }
}

class BodyDto {
  @IsString({ message: 'expected a string' })
  name!: string;

  @CheckedBy(noBlue)
  items?: unknown[];

  @IsOptional()
  @IsInt({ message: 'expected an integer' })
  count?: number;
}

class PageQueryDto {
  @CheckedBy((size) => {
    if (size !== undefined && Number.isNaN(Number(size))) {
      throw invalidRequest('size', 'size must be a number.');
    }
  })
  size?: string;

  pageSize(): number {
    return this.size === undefined ? 10 : Number(this.size);
  }
}

const pipe = new ValidateRequestPipe();

function failure(run: () => unknown): GatewayException {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(ValidateRequestPipe.name, () => {
  it('returns a valid body itself, unknown fields included', () => {
    const body = { name: 'a', items: ['red'], future: { x: 1 } };
    expect(pipe.transform(body, { type: 'body', metatype: BodyDto })).toBe(
      body,
    );
  });

  it("tells a built-in constraint's failure as invalid_type on the field", () => {
    const error = failure(() => validatedBody({ name: 5 }, BodyDto));
    expect(error.message).toBe("Invalid value for 'name': expected a string.");
    expect(error.param).toBe('name');
    expect(error.options.openAiCode).toBe('invalid_type');
  });

  it("passes a field rule's own exception on, with its deeper param", () => {
    const error = failure(() =>
      validatedBody({ name: 'a', items: ['red', 'blue'] }, BodyDto),
    );
    expect(error.message).toBe('Blue is not allowed.');
    expect(error.param).toBe('items[1]');
    expect(error.options.openAiCode).toBeUndefined();
  });

  it('reports a wrong type before a field rule, even on a later field', () => {
    expect(
      failure(() =>
        validatedBody({ name: 'a', items: ['blue'], count: 1.5 }, BodyDto),
      ).param,
    ).toBe('count');
  });

  it('refuses a body that is not an object, or nested too deep', () => {
    expect(failure(() => validatedBody([], BodyDto)).message).toMatch(
      /JSON object/,
    );
    let deep: unknown = 1;
    for (let level = 0; level <= MAX_JSON_DEPTH; level++) {
      deep = { a: deep };
    }
    expect(
      failure(() => pipe.transform(deep, { type: 'body', metatype: Object }))
        .message,
    ).toMatch(/nested more than/);
  });

  it('returns a query as an instance of its DTO, whose methods parse it', () => {
    const query = pipe.transform(
      { size: '25' },
      { type: 'query', metatype: PageQueryDto },
    );
    expect(query).toBeInstanceOf(PageQueryDto);
    expect((query as PageQueryDto).pageSize()).toBe(25);
    expect(
      failure(() =>
        pipe.transform(
          { size: 'x' },
          { type: 'query', metatype: PageQueryDto },
        ),
      ).param,
    ).toBe('size');
  });

  it('leaves parameters that are not DTOs as they are', () => {
    expect(pipe.transform('abc', { type: 'param', metatype: String })).toBe(
      'abc',
    );
    expect(pipe.transform('x', { type: 'query', metatype: String })).toBe('x');
  });
});
