// The npm registry reachable from these machines lacks the builds of some
// packages for other platforms (e.g. @swc/core-darwin-arm64), so npm leaves
// them out of package-lock.json, and `npm ci` then refuses the lock as out of
// sync. This adds a bare entry for every optional dependency the lock lacks;
// `npm ci` skips optional packages it cannot fetch, as for any other platform.
const fs = require('node:fs');

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(path, 'utf8'));
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(
    pkg.optionalDependencies ?? {},
  )) {
    const nested =
      key === '' ? `node_modules/${name}` : `${key}/node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) {
      continue;
    }
    lock.packages[`node_modules/${name}`] = {
      version,
      ...(pkg.dev ? { dev: true } : {}),
      optional: true,
    };
    added += 1;
  }
}
fs.writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} optional platform entries added`);
