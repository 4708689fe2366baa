/** Most edits (insert, delete, replace a character) between a typo and the setting it means. */
const MAX_TYPO_DISTANCE = 2;

/** One environment variable that is probably a misspelt setting. */
export interface SettingTypo {
  name: string;
  suggestion: string;
}

/**
 * Environment variables that look like a misspelt setting: not a setting
 * themselves, in the same name family as one (the same first word, e.g.
 * `OPENAI_`, `UPSTREAM_`, `MCP_`: the rest of the environment is not the
 * gateway's business) and within MAX_TYPO_DISTANCE edits of it. Such a typo
 * otherwise silently leaves the setting at its default.
 */
export function findSettingTypos(
  environmentNames: Iterable<string>,
  settingNames: readonly string[],
): SettingTypo[] {
  const known = new Set(settingNames);
  const families = new Set(settingNames.map(familyOf));
  const typos: SettingTypo[] = [];
  for (const name of environmentNames) {
    if (known.has(name) || !families.has(familyOf(name))) {
      continue;
    }
    const suggestion = closest(name, settingNames);
    if (suggestion !== undefined) {
      typos.push({ name, suggestion });
    }
  }
  return typos;
}

function familyOf(name: string): string {
  return name.split('_', 1)[0] ?? name;
}

function closest(
  name: string,
  candidates: readonly string[],
): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (
      distance <= MAX_TYPO_DISTANCE &&
      distance < (best?.distance ?? Infinity)
    ) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/**
 * Levenshtein distance with one row of memory; a dependency for these few
 * lines, run once at start over a few dozen names, is not worth its weight.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, replace);
    }
    previous = current;
  }
  return previous[b.length]!;
}
