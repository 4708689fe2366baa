import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { settingsTable, withSettingsTable } from './settings-table.js';

/** The README at the package root, from src/config/ or dist/config/. */
const README = new URL('../../README.md', import.meta.url);

/**
 * `npm run docs:settings`: rewrites the README's settings table from the
 * `@Setting` descriptions and defaults of src/config/*.env.ts.
 */
writeFileSync(
  README,
  withSettingsTable(readFileSync(README, 'utf8'), settingsTable()),
);
process.stdout.write(`wrote the settings table of ${fileURLToPath(README)}\n`);
