import { readFileSync } from 'node:fs';

/** Name and version from package.json, read once (dist/ and src/ sit one level below it). */
export const packageInfo: { name: string; version: string } = (() => {
  const parsed = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { name: string; version: string };
  return { name: parsed.name, version: parsed.version };
})();
