import {
  getMetadataStorage,
  ValidationTypes,
} from '../validation/class-validator.js';
import type { ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';

/** True only for a body that class-validator would pass too. */
export type QuickCheck = (body: Readonly<Record<string, unknown>>) => boolean;

type Body = Readonly<Record<string, unknown>>;
type Condition = (body: Body, value: unknown) => boolean;
type Check = (value: unknown, body: Body) => boolean;

/** The built-in type rules checked inline; each as strict as class-validator's. */
const TYPE_RULES: Readonly<Record<string, (value: unknown) => boolean>> = {
  isString: (value) => typeof value === 'string',
  isArray: (value) => Array.isArray(value),
  isBoolean: (value) => typeof value === 'boolean',
};

interface FieldRule {
  name: string;
  /** IsOptional, ValidateIf: the field's checks run only when every one holds. */
  conditions: Condition[];
  checks: Check[];
}

const built = new WeakMap<object, QuickCheck | null>();

/**
 * `dto`'s rules run without class-validator's machinery (its metadata
 * grouping and the error objects it builds for every field, valid or not:
 * bench/README.md "Fast paths"), when every rule is one it runs the same
 * way: conditions (IsOptional, ValidateIf) and synchronous constraints on
 * the whole value (built-in ones and CheckedBy), each called as the
 * executor calls it. Else undefined (`each`, nested, groups, async…). It
 * only ever says "valid": a body it refuses goes through class-validator,
 * which finds the error to report.
 */
export function quickCheckOf(dto: object): QuickCheck | undefined {
  let check = built.get(dto);
  if (check === undefined) {
    check = buildQuickCheck(dto) ?? null;
    built.set(dto, check);
  }
  return check ?? undefined;
}

function buildQuickCheck(dto: object): QuickCheck | undefined {
  const rules = hasOwnMembers(dto) ? undefined : fieldRules(dto);
  if (rules === undefined || rules.length === 0) {
    return undefined;
  }
  return (body) => {
    // The instance class-validator checks leaves a `constructor` key out.
    if (Object.hasOwn(body, 'constructor')) {
      return false;
    }
    for (const rule of rules) {
      const value = Object.hasOwn(body, rule.name)
        ? body[rule.name]
        : undefined;
      if (!rule.conditions.every((condition) => condition(body, value))) {
        continue;
      }
      for (const check of rule.checks) {
        if (!check(value, body)) {
          return false;
        }
      }
    }
    return true;
  };
}

/**
 * True when `dto` or a class it extends has a method or an accessor: a rule
 * may read it from the instance class-validator checks, which the body
 * the quick check reads does not have.
 */
function hasOwnMembers(dto: object): boolean {
  let prototype: unknown = (dto as { prototype?: object }).prototype;
  while (
    typeof prototype === 'object' &&
    prototype !== null &&
    prototype !== Object.prototype
  ) {
    if (Reflect.ownKeys(prototype).some((key) => key !== 'constructor')) {
      return true;
    }
    prototype = Object.getPrototypeOf(prototype);
  }
  return false;
}

/** The DTO's rules by field, as class-validator reads them; undefined for any other rule. */
function fieldRules(dto: object): FieldRule[] | undefined {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    dto as new () => unknown,
    // class-validator passes no schema name; '' matches no decorator's target either.
    '',
    false,
    false,
  );
  const prototype = (dto as { prototype?: object }).prototype ?? {};
  const byName = new Map<string, FieldRule>();
  for (const metadata of metadatas) {
    const name = metadata.propertyName;
    // A field the prototype has (a method, an accessor) reads differently on an instance.
    if (
      metadata.each === true ||
      metadata.always === true ||
      (metadata.groups?.length ?? 0) > 0 ||
      name === 'constructor' ||
      name in prototype
    ) {
      return undefined;
    }
    const rule = byName.get(name) ?? { name, conditions: [], checks: [] };
    byName.set(name, rule);
    if (!addRule(rule, metadata, dto)) {
      return undefined;
    }
  }
  return [...byName.values()];
}

/** Adds `metadata`'s rule to `rule`; false for a rule the quick check does not run. */
function addRule(
  rule: FieldRule,
  metadata: ValidationMetadata,
  dto: object,
): boolean {
  if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
    const condition: unknown = metadata.constraints?.[0];
    if (typeof condition !== 'function') {
      return false;
    }
    rule.conditions.push(condition as Condition);
    return true;
  }
  if (
    metadata.type !== ValidationTypes.CUSTOM_VALIDATION ||
    metadata.validateIf !== undefined
  ) {
    return false;
  }
  const typeRule =
    metadata.name !== undefined && Object.hasOwn(TYPE_RULES, metadata.name)
      ? TYPE_RULES[metadata.name]
      : undefined;
  const check = typeRule ?? constraintCheck(metadata, dto);
  if (check === undefined) {
    return false;
  }
  rule.checks.push(check);
  return true;
}

/**
 * The field's constraint as class-validator's executor calls it: each
 * validator of its constraint class, with the arguments it passes. A
 * constraint declared async, or that answers with anything but a boolean
 * (a promise), is not run here.
 */
function constraintCheck(
  metadata: ValidationMetadata,
  dto: object,
): Check | undefined {
  const validators = getMetadataStorage().getTargetValidatorConstraints(
    metadata.constraintCls,
  );
  if (validators.length === 0 || validators.some(({ async }) => async)) {
    return undefined;
  }
  const targetName = (dto as { name?: string }).name;
  return (value, body) => {
    const args: ValidationArguments = {
      targetName: targetName ?? '',
      property: metadata.propertyName,
      object: body,
      value,
      constraints: metadata.constraints,
    };
    return validators.every(
      ({ instance }) => instance.validate(value, args) === true,
    );
  };
}
