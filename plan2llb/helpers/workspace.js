// monokit: lays the workspace packages of a production closure onto the tree
// that pnpm deploy made from the install alone, where each of them holds only
// its package.json. Each package's files are chosen as pnpm deploy chooses
// them (npm-packlist: its files field, .npmignore or .gitignore, and the files
// every package keeps) and copied from the build into every copy of the
// package in the tree (never into a registry package of the same name).
// package.json stays as pnpm wrote it unless the build rewrites it.
//
// usage: node workspace.js <input.json>
//   input.json is planner.WorkspaceInput: {"tree": the deployed tree, "root":
//   the repository in the build, "packlist": where npm-packlist is,
//   "packages": [{"name", "dir", "manifest"}] (dir relative to the root;
//   manifest: the build rewrites package.json)}.
'use strict';
const fs = require('fs');
const path = require('path');
const { workspaceCopies } = require('./pnpm-store.js');

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  fs.copyFileSync(from, to);
}

async function main(input) {
  const packlist = require(input.packlist);
  for (const pkg of input.packages || []) {
    const dests = workspaceCopies(input.tree, pkg.name, pkg.dir);
    if (dests.length === 0) {
      console.warn(`monokit: warning: pnpm deploy put no copy of ${pkg.name} (${pkg.dir}) into the production tree; its files are left out`);
      continue;
    }
    const src = path.join(input.root, pkg.dir);
    // package.json stays as pnpm deployed it, unless the build rewrites it
    // (an output of the package).
    const files = (await packlist({ path: src })).filter((f) => (pkg.manifest || f !== 'package.json') && !f.startsWith('node_modules/'));
    for (const d of dests) {
      for (const f of files) copy(path.join(src, f), path.join(d, f));
    }
    console.log(`monokit: ${pkg.name}: ${files.length} file(s) into ${dests.length} ${dests.length === 1 ? 'copy' : 'copies'} in the production tree`);
  }
}

main(JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))).catch((e) => {
  console.error(`monokit: workspace.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
