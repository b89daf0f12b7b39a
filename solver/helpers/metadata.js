// monokit: prepares the metadata the install reads. pnpm runs a workspace
// project's preinstall, postinstall, prepare… in the install, where monokit
// has only the package.json files: scripts that read the project's files
// fail there, or write nothing its build keeps. monokit runs them in the
// project's build stage instead, and leaves out the root's repository
// hygiene (husky, only-allow): this takes them out of the package.json
// files. pnpm's frozen-lockfile check reads no scripts, so the lockfile
// still holds. It also comments out pnpm settings monokit acts on itself:
// use-node-version, whose Node.js is the image's, and which pnpm would
// download again.
//
// usage: node metadata.js <input.json>
//   input.json is helpers.MetadataInput: {"root": the repository root,
//   "manifests": [{"file": package.json relative to root, "remove": script
//   names}], "settings": [{"file", "line"}] (lines from 1)}. A file is
//   written again only when it changes.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');

/** @type {import('./inputs').MetadataInput} */
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
const byFile = new Map();
for (const s of input.settings || []) byFile.set(s.file, [...(byFile.get(s.file) || []), s.line]);
for (const [rel, lines] of byFile) {
  const file = path.join(input.root, rel);
  const text = fs.readFileSync(file, 'utf8').split('\n');
  for (const n of lines) {
    if (n < 1 || n > text.length) throw new Error(`${rel} has no line ${n}`);
    console.log(`monokit: ${rel}:${n}: ${text[n - 1].trim()} (monokit chose the image's Node.js by it)`);
    text[n - 1] = '# ' + text[n - 1];
  }
  fs.writeFileSync(file, text.join('\n'));
}
