// monokit: carries what a target's generate: commands wrote to where the app
// runs. Generators write beside the sources (packages/database/generated) or
// into node_modules (prisma-client-js: node_modules/.pnpm/@prisma+client@…/
// node_modules/.prisma/client); pnpm deploy rebuilds node_modules and copies
// workspace packages without their git-ignored files, so both are lost from the
// production tree unless laid onto it again.
//
// usage: node generated.js collect <collect.json>
//   collect.json is helpers.CollectInput: copies every file and symlink under
//   root changed since the file since was (the commands' writes), but those
//   under skip, to dest, at its absolute path.
// usage: node generated.js place <input.json>
//   input.json is helpers.GeneratedInput: {"generated": dirs (what collect
//   wrote, each for the repository root; a later one's file wins), "tree":
//   the deployed production tree (read only), "out": where the files go, at
//   their paths in the tree (the runtime lays out onto the tree),
//   "packages": [{"name", "dir"}] (the workspace packages in it, dir
//   relative to the repository root), "app": the app's directory, whose
//   files reach the image through its build, "entries": each production
//   package's virtual store entries}. A file in a package's directory goes
//   to each copy of that package in the tree; a file in
//   node_modules/.pnpm/<name>@<version>… to each directory of that
//   package@version in the tree.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');
const { entryOwners, copiesOf, workspaceCopies, overlayPath } = require('./pnpm-store.js');

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'collect') collect(JSON.parse(fs.readFileSync(args[0], 'utf8')));
else if (cmd === 'place') place(JSON.parse(fs.readFileSync(args[0], 'utf8')));
else {
  console.error(`monokit: generated.js: unknown command ${cmd}`);
  process.exit(2);
}

/** @param {import('./inputs').CollectInput} input */
function collect({ since, root, dest, skip }) {
  const t = fs.statSync(since).mtimeMs;
  const skipped = new Set(skip || []);
  let n = 0;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (skipped.has(p)) continue;
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      // Equal counts: file times tick coarsely (a few ms), and nothing but
      // the commands wrote after the marker in this exec.
      if (fs.lstatSync(p).mtimeMs < t) continue;
      const to = path.join(dest, p);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(p), to);
      else fs.copyFileSync(p, to);
      n++;
    }
  };
  walk(root);
  console.log(`monokit: generate wrote ${n} file(s)`);
}

// files lists the files and symlinks under dir, relative to it.
function files(dir, rel = '', out = []) {
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) files(dir, r, out);
    else out.push(r);
  }
  return out;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  const st = fs.lstatSync(from);
  if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else fs.copyFileSync(from, to);
}

/** @param {import('./inputs').GeneratedInput} input */
function place(input) {
  const { tree } = input; // tree is read; the files go to input.out
  // The production package each virtual store entry holds, as the plan named them.
  const owners = entryOwners(input.entries);
  const generated = (input.generated || []).filter((d) => fs.existsSync(d));
  if (!generated.length) {
    console.log('monokit: generate wrote nothing to carry into the production tree');
    return;
  }
  // Longest directory first, so a package inside another's directory wins.
  const pkgs = [...(input.packages || [])].sort((a, b) => b.dir.length - a.dir.length);
  const targets = new Map(); // cache: key -> directories in the tree
  let placed = 0;
  const unplaced = [];
  for (const [rel, from] of generated.flatMap((g) => files(g).map((rel) => [rel, path.join(g, rel)]))) {
    let dirs = [];
    let rest = '';
    const store = /^node_modules\/\.pnpm\/([^/]+)\/node_modules\/(.+)$/.exec(rel);
    if (store) {
      const key = owners.get(store[1]);
      if (key) {
        const at = key.lastIndexOf('@');
        const owner = { name: key.slice(0, at), version: key.slice(at + 1) };
        // The node_modules each copy sits in: <store entry>/node_modules.
        if (!targets.has(key)) targets.set(key, copiesOf(tree, owner.name, owner.version).map((d) => path.join(d, ...owner.name.split('/').map(() => '..'))));
        dirs = targets.get(key);
        rest = store[2];
      }
    } else if (input.app && rel.startsWith(input.app + '/') && !rel.startsWith(input.app + '/node_modules/')) {
      continue; // the app's own files come from its build
    } else {
      const pkg = pkgs.find((p) => rel.startsWith(p.dir + '/'));
      if (pkg) {
        if (!targets.has(pkg.name)) targets.set(pkg.name, workspaceCopies(tree, pkg));
        dirs = targets.get(pkg.name);
        rest = rel.slice(pkg.dir.length + 1);
      } else if (/^node_modules\//.test(rel) || (input.app && rel.startsWith(input.app + '/node_modules/'))) {
        // The root's or the app's node_modules: the tree's root is the app.
        dirs = [path.join(tree, 'node_modules')];
        rest = rel.slice(rel.indexOf('node_modules/') + 'node_modules/'.length);
      }
    }
    if (!dirs.length) {
      unplaced.push(rel);
      continue;
    }
    const tos = dirs.map((d) => overlayPath(tree, input.out, path.join(d, rest))).filter(Boolean);
    if (!tos.length) { // through a link that leaves the tree
      unplaced.push(rel);
      continue;
    }
    for (const to of tos) copy(from, to);
    placed++;
  }
  console.log(`monokit: placed ${placed} generated file(s) into the production tree`);
  if (unplaced.length) {
    console.warn(`monokit: warning: ${unplaced.length} generated file(s) belong to nothing the production tree holds, so the image leaves them out: ${unplaced.slice(0, 5).join(', ')}${unplaced.length > 5 ? ', …' : ''}`);
  }
}
