import { describe, expect, it } from 'vitest';
import {
  normalizeOpenApiSchemas,
  withNullableProperty,
} from './openapi-normalize.js';

describe(normalizeOpenApiSchemas.name, () => {
  it('turns nullable into a null type, and into null in an enum', () => {
    const sut = normalizeOpenApiSchemas({
      A: { type: 'string', enum: ['a', 'b'], nullable: true },
      B: { type: ['integer', 'string'], nullable: true },
      C: { type: 'object', nullable: false },
    });
    expect(sut).toEqual({
      A: { type: ['string', 'null'], enum: ['a', 'b', null] },
      B: { type: ['integer', 'string', 'null'] },
      C: { type: 'object' },
    });
  });

  it('wraps a nullable $ref or union without a type in anyOf with null', () => {
    const sut = normalizeOpenApiSchemas({
      A: { $ref: '#/components/schemas/B', nullable: true },
      B: { oneOf: [{ type: 'string' }], nullable: true, description: 'b' },
    });
    expect(sut).toEqual({
      A: { anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] },
      B: {
        anyOf: [
          { oneOf: [{ type: 'string' }], description: 'b' },
          { type: 'null' },
        ],
      },
    });
  });

  it('drops nullable on a schema that allows anything anyway', () => {
    const sut = normalizeOpenApiSchemas({
      A: { description: 'any', nullable: true, 'x-oaiTypeLabel': 'map' },
    });
    expect(sut).toEqual({ A: { description: 'any', 'x-oaiTypeLabel': 'map' } });
  });

  it('rewrites nested subschemas but not property names or example data', () => {
    const sut = normalizeOpenApiSchemas({
      A: {
        type: 'object',
        properties: {
          nullable: { type: 'boolean' },
          discriminator: { type: 'string', nullable: true },
          list: { type: 'array', items: { type: 'integer', nullable: true } },
        },
        example: { nullable: true, discriminator: { propertyName: 'x' } },
      },
    });
    expect(sut['A']).toEqual({
      type: 'object',
      properties: {
        nullable: { type: 'boolean' },
        discriminator: { type: ['string', 'null'] },
        list: { type: 'array', items: { type: ['integer', 'null'] } },
      },
      example: { nullable: true, discriminator: { propertyName: 'x' } },
    });
  });

  it('drops discriminator and keeps the union it annotates', () => {
    const sut = normalizeOpenApiSchemas({
      A: { anyOf: [{ $ref: '#/x' }], discriminator: { propertyName: 'type' } },
    });
    expect(sut).toEqual({ A: { anyOf: [{ $ref: '#/x' }] } });
  });

  it('points a 2019-09 $recursiveRef at its own component', () => {
    const sut = normalizeOpenApiSchemas({
      Filter: {
        $recursiveAnchor: true,
        type: 'object',
        properties: {
          filters: {
            type: 'array',
            items: { oneOf: [{ $recursiveRef: '#' }] },
          },
        },
      },
    });
    expect(sut['Filter']).toEqual({
      type: 'object',
      properties: {
        filters: {
          type: 'array',
          items: { oneOf: [{ $ref: '#/components/schemas/Filter' }] },
        },
      },
    });
  });

  it('leaves its input untouched', () => {
    const input = { A: { type: 'string', nullable: true } };
    normalizeOpenApiSchemas(input);
    expect(input).toEqual({ A: { type: 'string', nullable: true } });
  });
});

describe(withNullableProperty.name, () => {
  const schemas = {
    R: {
      allOf: [
        { $ref: '#/components/schemas/Base' },
        { type: 'object', properties: { usage: { $ref: '#/u' } } },
      ],
    },
  };

  it('makes a property declared in an allOf member nullable', () => {
    const sut = withNullableProperty(schemas, 'R', 'usage');
    expect(sut['R']).toEqual({
      allOf: [
        { $ref: '#/components/schemas/Base' },
        {
          type: 'object',
          properties: { usage: { anyOf: [{ $ref: '#/u' }, { type: 'null' }] } },
        },
      ],
    });
    expect(schemas.R.allOf[1]).toEqual({
      type: 'object',
      properties: { usage: { $ref: '#/u' } },
    });
  });

  it('throws when the spec no longer has the property', () => {
    expect(() => withNullableProperty(schemas, 'R', 'gone')).toThrow(
      'R has no property gone',
    );
  });
});
