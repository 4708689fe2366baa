/** The descriptions of each env class's settings, by property name. */
const DESCRIPTIONS = new WeakMap<object, Map<string, string>>();

/**
 * Describes one setting of an env class, once: `--help`, the start-up
 * report's typo finder and the README's settings table are all generated
 * from it (settings-help.ts). Markdown: `code` and [links](#anchor), which
 * `--help` prints as plain text. The default is the property's initialiser;
 * a setting without one says in its description what unset means.
 */
export function Setting(description: string): PropertyDecorator {
  return (prototype, property) => {
    const group = prototype.constructor;
    const described = DESCRIPTIONS.get(group) ?? new Map<string, string>();
    described.set(String(property), description);
    DESCRIPTIONS.set(group, described);
  };
}

/** The described settings of an env class, in declaration order. */
export function describedSettings(group: object): ReadonlyMap<string, string> {
  return DESCRIPTIONS.get(group) ?? new Map<string, string>();
}
