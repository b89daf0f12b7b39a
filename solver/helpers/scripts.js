// monokit: takes lifecycle scripts out of workspace projects' package.json
// files before the install. pnpm runs a project's preinstall, postinstall,
// prepare… in the install, where monokit has only the package.json files:
// scripts that read the project's files fail there, or write nothing its
// build keeps. monokit runs them in the project's build stage instead, and
// leaves out the root's repository hygiene (husky, only-allow). pnpm's
// frozen-lockfile check reads no scripts, so the lockfile still holds.
//
// usage: node scripts.js <input.json>
//   input.json is helpers.ScriptsInput: {"root": the repository root,
//   "manifests": [{"file": package.json relative to root, "remove": script
//   names}]}. A file is written again only when it had one of them.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');

/** @type {import('./inputs').ScriptsInput} */
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const m of input.manifests || []) {
  const file = path.join(input.root, m.file);
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  const scripts = pkg.scripts;
  if (!scripts || typeof scripts !== 'object' || Array.isArray(scripts)) continue;
  const removed = m.remove.filter((name) => Object.prototype.hasOwnProperty.call(scripts, name));
  if (!removed.length) continue;
  for (const name of removed) delete scripts[name];
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`monokit: ${m.file}: ${removed.join(', ')} run${removed.length === 1 ? 's' : ''} outside the install`);
}
