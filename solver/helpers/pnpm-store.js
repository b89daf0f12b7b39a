// monokit: what the helper scripts share about pnpm's virtual store
// (node_modules/.pnpm), written beside them.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');

// entryOwners maps each virtual store entry the plan named to the package
// ("name@version") it holds: the inverse of an input's entries.
/** @param {Object<string, string[]> | null} entries @returns {Map<string, string>} */
function entryOwners(entries) {
  return new Map(Object.entries(entries || {}).flatMap(([key, names]) => names.map((e) => /** @type {[string, string]} */ ([e, key]))));
}

// copies of a package in the deployed tree: its real directories under
// node_modules/.pnpm/*/node_modules/<name>, and node_modules/<name> itself.
function copiesOf(tree, name, version) {
  const out = [];
  const store = path.join(tree, 'node_modules', '.pnpm');
  const entries = fs.existsSync(store) ? fs.readdirSync(store) : [];
  for (const dir of [...entries.map((e) => path.join(store, e, 'node_modules', name)), path.join(tree, 'node_modules', name)]) {
    let st;
    try { st = fs.lstatSync(dir); } catch { continue; }
    if (!st.isDirectory()) continue;
    try {
      const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pj.name === name && (version === undefined || pj.version === version)) out.push(dir);
    } catch {}
  }
  return out;
}

// workspaceCopies are the copies of a workspace package in a deployed tree:
// the store entries pnpm names after its path, as the plan wrote its name and
// path the way pnpm does (pkg.storeName, pkg.storePath): "file+" then the
// path (relative to the root, or to the deploy directory when pnpm injects),
// after "<name>@" (pnpm 9 and later) or alone (pnpm 8), before any peer
// suffix; else a real node_modules/<name> directory. A registry package of
// the same name is never one of them.
/** @param {string} tree @param {import('./inputs').WorkspacePackage} pkg */
function workspaceCopies(tree, pkg) {
  const name = pkg.name;
  const esc = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const entry = new RegExp(`^(?:${esc(pkg.storeName)}@)?file\\+(?:.*\\+)?${esc(pkg.storePath)}(?:_.*)?$`);
  const store = path.join(tree, 'node_modules', '.pnpm');
  const out = [];
  for (const e of fs.existsSync(store) ? fs.readdirSync(store) : []) {
    if (!entry.test(e)) continue;
    const d = path.join(store, e, 'node_modules', name);
    try {
      if (JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name === name) out.push(d);
    } catch {}
  }
  if (out.length) return out;
  const top = path.join(tree, 'node_modules', name);
  try {
    if (fs.lstatSync(top).isDirectory() && JSON.parse(fs.readFileSync(path.join(top, 'package.json'), 'utf8')).name === name) out.push(top);
  } catch {}
  return out;
}

// overlayPath is where a file bound for target in the tree goes in out,
// which the runtime lays onto the tree: at the path target's directory
// really has in the tree. A directory on the way may be one of pnpm's links
// (node_modules/<name> into the store); a real directory in its place in
// out would hide the link's files. null when the directory leaves the tree.
const realTrees = new Map(); // tree -> its real path: asked once per file

function overlayPath(tree, out, target) {
  if (!realTrees.has(tree)) realTrees.set(tree, fs.realpathSync(tree));
  const realTree = realTrees.get(tree);
  let dir = path.dirname(target);
  const rest = [path.basename(target)];
  for (;;) {
    try {
      dir = fs.realpathSync(dir);
      break;
    } catch (e) {
      if (e.code !== 'ENOENT' || dir === path.dirname(dir)) throw e;
      rest.unshift(path.basename(dir));
      dir = path.dirname(dir);
    }
  }
  const rel = path.relative(realTree, dir);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return path.join(out, rel, ...rest);
}

module.exports = { entryOwners, copiesOf, workspaceCopies, overlayPath };
