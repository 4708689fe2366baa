import { getMetadataStorage } from 'class-validator';

/** True only for a body that class-validator would pass too. */
export type QuickCheck = (body: Readonly<Record<string, unknown>>) => boolean;

/** The built-in type rules a quick check knows; each as strict as class-validator's, or stricter. */
const TYPE_RULES: Readonly<Record<string, (value: unknown) => boolean>> = {
  isString: (value) => typeof value === 'string',
  isArray: (value) => Array.isArray(value),
  isBoolean: (value) => typeof value === 'boolean',
};

interface FieldRule {
  name: string;
  optional: boolean;
  checks: ((value: unknown) => boolean)[];
}

const built = new WeakMap<object, QuickCheck | null>();

/**
 * A check of `dto`'s rules without class-validator's machinery (about 2% of
 * a chat request's CPU, bench/README.md "Fast paths"), when every rule is a
 * plain type rule (IsString, IsArray, IsBoolean, IsOptional); else
 * undefined. It only ever says "valid": a body it refuses goes through
 * class-validator, which finds the error to report.
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
  const rules = fieldRules(dto);
  if (rules === undefined || rules.length === 0) {
    return undefined;
  }
  return (body) => {
    for (const rule of rules) {
      const value = Object.hasOwn(body, rule.name)
        ? body[rule.name]
        : undefined;
      if (rule.optional && (value === undefined || value === null)) {
        continue;
      }
      for (const check of rule.checks) {
        if (!check(value)) {
          return false;
        }
      }
    }
    return true;
  };
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
    const rule = byName.get(name) ?? { name, optional: false, checks: [] };
    byName.set(name, rule);
    const typeRule =
      metadata.name !== undefined && Object.hasOwn(TYPE_RULES, metadata.name)
        ? TYPE_RULES[metadata.name]
        : undefined;
    if (
      metadata.type === 'conditionalValidation' &&
      metadata.name === 'isOptional'
    ) {
      rule.optional = true;
    } else if (metadata.type === 'customValidation' && typeRule) {
      rule.checks.push(typeRule);
    } else {
      return undefined;
    }
  }
  return [...byName.values()];
}
