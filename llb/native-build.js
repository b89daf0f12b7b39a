// monokit: runs dependencies' install scripts in a pnpm production tree, on the
// platform the image is for. pnpm deploy selected that platform's packages on the
// build platform with --ignore-scripts; this runs what it skipped, the way pnpm
// would: preinstall, install, postinstall, or node-gyp rebuild for a binding.gyp
// without an install script, in the package's directory.
//
// usage: node native-build.js <tree> <input.json>
// input.json is solver.NativeInput: {"packages": ["name@version", ...] (empty or
// null: every package with an install script), "optional": [...]}. A failed
// script of an optional package (only optional dependencies reach it) is a
// warning, as pnpm treats it: its parent falls back without it.
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const [tree, inputFile] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
const wanted = input.packages || [];
const optional = new Set(input.optional || []);
const store = path.join(tree, 'node_modules', '.pnpm');
// npm, which the build image carries, bundles node-gyp.
const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
const platform = `${process.platform}/${process.arch}`;

function packagesIn(nm) {
  const out = [];
  for (const e of fs.readdirSync(nm, { withFileTypes: true })) {
    if (e.name.startsWith('@') && e.isDirectory()) {
      for (const s of fs.readdirSync(path.join(nm, e.name), { withFileTypes: true })) {
        if (s.isDirectory()) out.push(path.join(nm, e.name, s.name));
      }
    } else if (e.isDirectory() && e.name !== '.bin') {
      out.push(path.join(nm, e.name));
    }
  }
  return out;
}

const found = new Set();
let ran = 0;
for (const entry of fs.existsSync(store) ? fs.readdirSync(store).sort() : []) {
  const nm = path.join(store, entry, 'node_modules');
  if (!fs.existsSync(nm)) continue;
  for (const dir of packagesIn(nm)) { // the package itself; its dependencies are symlinks
    let pj;
    try { pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')); } catch { continue; }
    const id = `${pj.name}@${pj.version}`;
    if (wanted.length && !wanted.includes(id)) continue;
    const scripts = { ...(pj.scripts || {}) };
    if (!scripts.install && !scripts.preinstall && fs.existsSync(path.join(dir, 'binding.gyp'))) {
      scripts.install = 'node-gyp rebuild';
    }
    found.add(id);
    for (const ev of ['preinstall', 'install', 'postinstall']) {
      if (!scripts[ev]) continue;
      console.log(`monokit: ${id} ${ev} on ${platform}: ${scripts[ev]}`);
      const res = cp.spawnSync('/bin/sh', ['-c', scripts[ev]], {
        cwd: dir,
        stdio: 'inherit',
        env: {
          ...process.env,
          PATH: [path.join(dir, 'node_modules', '.bin'), path.join(npmDir, 'bin', 'node-gyp-bin'), process.env.PATH].join(':'),
          npm_config_node_gyp: path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
          npm_lifecycle_event: ev,
          npm_package_name: pj.name,
          npm_package_version: pj.version,
          INIT_CWD: tree,
        },
      });
      if (res.status !== 0) {
        if (optional.has(id)) {
          console.warn(`monokit: warning: the ${ev} script of ${id} failed on ${platform} (exit ${res.status ?? res.signal}); it is an optional dependency, so the build goes on without it, as pnpm's would`);
          break;
        }
        console.error(`monokit: the ${ev} script of ${id} failed on ${platform} (exit ${res.status ?? res.signal})`);
        process.exit(1);
      }
      ran++;
    }
  }
}
for (const w of wanted) {
  if (!found.has(w)) console.log(`monokit: ${w} is not installed for ${platform}; nothing to build`);
}
console.log(`monokit: ran ${ran} install script(s) on ${platform}`);
