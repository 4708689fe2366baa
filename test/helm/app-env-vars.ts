/**
 * The environment variables the gateway reads, discovered rather than
 * listed: every class exported by `src/config/*.env.ts` is an env group whose
 * property names are the variable names. Names come from class-validator's
 * metadata (decorated properties), the instance's initialised properties,
 * and the source text (`NAME?: type` declarations), so a property that has
 * no decorator and no initialiser is still found.
 */
import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getMetadataStorage } from 'class-validator';

/** src/config/, where every env group lives. */
export const CONFIG_DIR = fileURLToPath(
  new URL('../../src/config/', import.meta.url),
);

const DECLARATION = /^\s+(?:readonly\s+)?([A-Z][A-Z0-9_]+)[?!]?\s*[:=]/gm;

type Constructor = new () => object;

function isConstructor(value: unknown): value is Constructor {
  return typeof value === 'function' && /^class\s/.test(String(value));
}

/** One env group: the file, its class and the names it declares. */
export interface EnvGroup {
  file: string;
  className: string;
  names: string[];
}

/** Every env group of src/config, in file order. */
export async function appEnvGroups(): Promise<EnvGroup[]> {
  const files = readdirSync(CONFIG_DIR)
    .filter((file) => file.endsWith('.env.ts'))
    .sort();
  const groups: EnvGroup[] = [];
  for (const file of files) {
    const path = join(CONFIG_DIR, file);
    const module = (await import(pathToFileURL(path).href)) as Record<
      string,
      unknown
    >;
    const fromText = [...readFileSync(path, 'utf8').matchAll(DECLARATION)].map(
      (match) => match[1]!,
    );
    for (const [className, exported] of Object.entries(module)) {
      if (!isConstructor(exported)) {
        continue;
      }
      const fromMetadata = getMetadataStorage()
        .getTargetValidationMetadatas(exported, '', true, false)
        .map((metadata) => metadata.propertyName);
      const fromInstance = Object.keys(new exported());
      const names = new Set(
        [...fromMetadata, ...fromInstance, ...fromText].filter((name) =>
          /^[A-Z][A-Z0-9_]*$/.test(name),
        ),
      );
      groups.push({ file, className, names: [...names].sort() });
    }
  }
  return groups;
}

/** Every variable name the gateway reads, sorted and unique. */
export async function appEnvironmentVariables(): Promise<string[]> {
  const names = (await appEnvGroups()).flatMap((group) => group.names);
  return [...new Set(names)].sort();
}
