import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Makes sure dist/ exists for tests that run the built program. CI builds
 * before it tests; a developer's first local run builds here.
 */
export function ensureBuilt(): void {
  if (
    !existsSync(`${ROOT}dist/main.js`) ||
    !existsSync(`${ROOT}dist/cli.js`) ||
    !existsSync(`${ROOT}dist/demo/run-demo.js`)
  ) {
    execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
}
