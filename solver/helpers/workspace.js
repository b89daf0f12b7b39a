// monokit: writes the files of the workspace packages of a production
// closure for the tree that pnpm deploy made from the install alone, where
// each of them holds only its package.json. Each package's files are chosen
// as pnpm deploy chooses them (npm-packlist: its files field, .npmignore or
// .gitignore, and the files every package keeps) and copied from the build
// for every copy of the package in the tree (never a registry package of the
// same name), into out at their paths in the tree: the runtime lays out onto
// the tree. package.json stays as pnpm wrote it unless the build rewrites it.
//
// usage: node workspace.js <input.json>
//   input.json is helpers.WorkspaceInput: {"tree": the deployed tree (read
//   only), "out": where the files go, "root": the repository in the build,
//   "packlist": where npm-packlist is, "packages": [{"name", "dir",
//   "manifest"}] (dir relative to the root; manifest: the build rewrites
//   package.json)}.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');
const { workspaceCopies, overlayPath } = require('./pnpm-store.js');

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  fs.copyFileSync(from, to);
}

/** @param {import('./inputs').WorkspaceInput} input */
async function main(input) {
  const packlist = require(input.packlist);
  for (const pkg of input.packages || []) {
    const dests = workspaceCopies(input.tree, pkg);
    if (dests.length === 0) {
      console.warn(`monokit: warning: pnpm deploy put no copy of ${pkg.name} (${pkg.dir}) into the production tree; its files are left out`);
      continue;
    }
    const src = path.join(input.root, pkg.dir);
    // package.json stays as pnpm deployed it, unless the build rewrites it
    // (an output of the package).
    const files = (await packlist({ path: src })).filter((f) => (pkg.manifest || f !== 'package.json') && !f.startsWith('node_modules/'));
    for (const d of dests) {
      for (const f of files) {
        const to = overlayPath(input.tree, input.out, path.join(d, f));
        if (!to) throw new Error(`${path.join(d, f)} leads out of the production tree`);
        copy(path.join(src, f), to);
      }
    }
    console.log(`monokit: ${pkg.name}: ${files.length} file(s) into ${dests.length} ${dests.length === 1 ? 'copy' : 'copies'} in the production tree`);
  }
}

main(JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))).catch((e) => {
  console.error(`monokit: workspace.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
