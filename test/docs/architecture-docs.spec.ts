import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The layout is written down three times for three readers (ARCHITECTURE.md's
// table, the README's layout line, the lint rules); this keeps them equal to
// what `ls src/` shows.
const root = new URL('../../', import.meta.url);
const read = (file: string): string =>
  readFileSync(new URL(file, root), 'utf8');

const srcFolders = readdirSync(new URL('src/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('the documented layout', () => {
  it("ARCHITECTURE.md's layer table has one row per folder of src/", () => {
    const rows = [
      ...read('ARCHITECTURE.md').matchAll(/^\| `([a-z-]+)`\s*\|/gm),
    ];
    expect(rows.map((row) => row[1]).sort()).toEqual(srcFolders);
  });

  it("the README's layout line names every folder of src/ and no other", () => {
    const layout = /- Layout \(([\s\S]*?)(?:\n- |\n\n|$)/.exec(
      read('README.md'),
    )?.[1];
    const named = [...(layout ?? '').matchAll(/`src\/([a-z-]+)`/g)];
    expect([...new Set(named.map((name) => name[1]))].sort()).toEqual(
      srcFolders,
    );
  });

  it('the lint rules give every folder of src/ a layer', () => {
    const require = createRequire(root);
    const rulesFile = new URL('.dependency-cruiser.cjs', root);
    const config = require(rulesFile.pathname) as {
      forbidden: { name: string }[];
    };
    const layers = config.forbidden
      .map((rule) => /^layer-(.+)$/.exec(rule.name)?.[1])
      .filter((name) => name !== undefined);
    expect(layers.sort()).toEqual(srcFolders);
  });
});
