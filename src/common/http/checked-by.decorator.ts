import { ValidateBy } from '../validation/class-validator.js';
import type { ValidationError } from 'class-validator';
import { GatewayException } from '../errors/gateway.exception.js';

/**
 * A rule for one body field that class-validator's built-in constraints
 * cannot express: it walks the value (input items, tools…) and throws the
 * GatewayException a client sees, with its own message and a `param` deeper
 * than the field (`input[3].content[0].type`). `body` is the whole request,
 * for rules that depend on another field (tool_choice names a tool).
 */
export type FieldCheck = (
  value: unknown,
  body: Readonly<Record<string, unknown>>,
) => void;

/** What a CheckedBy constraint leaves in ValidationError.contexts. */
interface FieldRuleContext {
  failureOf(value: unknown, body: object): GatewayException | undefined;
}

const CHECKED_BY = 'checkedBy';

/** Runs `check` as a class-validator constraint of the decorated field. */
export function CheckedBy(check: FieldCheck): PropertyDecorator {
  const failureOf = (
    value: unknown,
    body: object,
  ): GatewayException | undefined => {
    try {
      check(value, body as Record<string, unknown>);
      return undefined;
    } catch (error) {
      if (error instanceof GatewayException) {
        return error;
      }
      throw error;
    }
  };
  const context: FieldRuleContext = { failureOf };
  return ValidateBy(
    {
      name: CHECKED_BY,
      validator: {
        validate: (value, args) =>
          failureOf(value, args?.object ?? {}) === undefined,
        // Never shown (the rule's own exception is); class-validator only
        // reports the context of a constraint whose message is not empty.
        defaultMessage: () => 'failed its field rule',
      },
    },
    { context },
  );
}

/**
 * The exception of a field whose CheckedBy rule failed, or undefined when
 * the error is a built-in constraint's. The rule runs again: it only does
 * so for a request that is refused anyway.
 */
export function fieldRuleFailure(
  error: ValidationError,
): GatewayException | undefined {
  const context: unknown = error.contexts?.[CHECKED_BY];
  if (!isFieldRuleContext(context) || error.target === undefined) {
    return undefined;
  }
  return context.failureOf(error.value, error.target);
}

/** The messages of the built-in constraints (not CheckedBy) that `error` failed. */
export function builtInReasons(error: ValidationError): string[] {
  return Object.entries(error.constraints ?? {})
    .filter(([name]) => name !== CHECKED_BY)
    .map(([, message]) => message);
}

function isFieldRuleContext(value: unknown): value is FieldRuleContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { failureOf?: unknown }).failureOf === 'function'
  );
}
