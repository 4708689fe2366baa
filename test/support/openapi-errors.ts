import type { ErrorObject } from 'ajv/dist/2020.js';
import { dig } from './json-dig.js';
import { isRecord } from '../../src/common/is-record.js';

/**
 * ajv errors as `"<instancePath> <message>"` lines (the root path is `/`),
 * with the offending property or the allowed values appended where ajv
 * knows them, each prefixed with `prefix` (the event type for events).
 * Expects errors from an ajv instance created with `verbose: true`.
 */
export function formatErrors(errors: ErrorObject[], prefix = ''): string[] {
  return relevantErrors(errors).map((error) => {
    const params = error.params as Record<string, unknown>;
    const detail =
      'additionalProperty' in params
        ? `: ${String(params['additionalProperty'])}`
        : 'allowedValues' in params
          ? `: ${JSON.stringify(params['allowedValues'])}`
          : 'allowedValue' in params
            ? `: ${JSON.stringify(params['allowedValue'])}`
            : '';
    const message = error.message ?? error.keyword;
    return `${prefix}${error.instancePath || '/'} ${message}${detail}`;
  });
}

/**
 * A failed anyOf/oneOf reports the first error of every member. Members whose
 * `type` property cannot match the instance's `type` (an output item's
 * `"type":"message"` against the function_call member, say) are dropped, so
 * the errors of the member that was meant remain. Never drops them all.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const relevant = errors.filter((error) => !isOtherUnionMember(error));
  return relevant.length > 0 ? relevant : errors;
}

function isOtherUnionMember(error: ErrorObject): boolean {
  if (
    (error.keyword === 'enum' || error.keyword === 'const') &&
    error.instancePath.endsWith('/type')
  ) {
    return true;
  }
  const actual = dig(error.data, 'type');
  const declared = dig(error.parentSchema, 'properties', 'type');
  if (typeof actual !== 'string' || !isRecord(declared)) {
    return false;
  }
  const allowed = dig(declared, 'enum');
  if (Array.isArray(allowed)) {
    return !allowed.includes(actual);
  }
  return 'const' in declared && declared['const'] !== actual;
}
