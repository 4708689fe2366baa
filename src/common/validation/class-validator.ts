import { createRequire } from 'node:module';
import type * as ClassValidator from 'class-validator';

/**
 * The parts of class-validator the gateway uses, each loaded from its own
 * module of the package's CommonJS build. The package's index loads every
 * decorator it has, and with them validator.js and libphonenumber-js:
 * about 320 modules and 3 MiB of a running gateway's heap (measured after
 * a forced GC), for the 20 decorators here. Import class-validator's
 * values from this file only (lint enforces it); its types come from the
 * package itself. The metadata storage is class-validator's global one,
 * shared with its index if anything else loads it.
 */
const load = createRequire(import.meta.url);

type Exports = typeof ClassValidator;

/** `name` from class-validator's module `path` (relative to its cjs/ folder). */
function part<K extends keyof Exports>(path: string, name: K): Exports[K] {
  const module = load(`class-validator/cjs/${path}.js`) as Partial<Exports>;
  const value = module[name];
  if (value === undefined) {
    // A class-validator that moved a module: fail at start-up, by name.
    throw new Error(`class-validator/cjs/${path}.js exports no ${name}`);
  }
  return value;
}

export const ArrayMaxSize = part(
  'decorator/array/ArrayMaxSize',
  'ArrayMaxSize',
);
export const IsArray = part('decorator/typechecker/IsArray', 'IsArray');
export const IsBoolean = part('decorator/typechecker/IsBoolean', 'IsBoolean');
export const IsIn = part('decorator/common/IsIn', 'IsIn');
export const IsInt = part('decorator/typechecker/IsInt', 'IsInt');
export const IsNotEmpty = part('decorator/common/IsNotEmpty', 'IsNotEmpty');
export const IsNumber = part('decorator/typechecker/IsNumber', 'IsNumber');
export const IsObject = part('decorator/typechecker/IsObject', 'IsObject');
export const IsOptional = part('decorator/common/IsOptional', 'IsOptional');
export const IsString = part('decorator/typechecker/IsString', 'IsString');
export const IsUrl = part('decorator/string/IsUrl', 'IsUrl');
export const Matches = part('decorator/string/Matches', 'Matches');
export const Max = part('decorator/number/Max', 'Max');
export const MaxLength = part('decorator/string/MaxLength', 'MaxLength');
export const Min = part('decorator/number/Min', 'Min');
export const MinLength = part('decorator/string/MinLength', 'MinLength');
export const ValidateBy = part('decorator/common/ValidateBy', 'ValidateBy');
export const ValidateIf = part('decorator/common/ValidateIf', 'ValidateIf');
export const ValidateNested = part(
  'decorator/common/ValidateNested',
  'ValidateNested',
);
export const getMetadataStorage = part(
  'metadata/MetadataStorage',
  'getMetadataStorage',
);
export const ValidationTypes = part(
  'validation/ValidationTypes',
  'ValidationTypes',
);

const { Validator } = load('class-validator/cjs/validation/Validator.js') as {
  Validator: Exports['Validator'];
};
/** No container is configured (useContainer): one Validator serves every call, as in the index. */
const validator = new Validator();

/** class-validator's validateSync for an object (the index's, without its schema form). */
export function validateSync(
  object: object,
  options?: ClassValidator.ValidatorOptions,
): ClassValidator.ValidationError[] {
  return validator.validateSync(object, options);
}
