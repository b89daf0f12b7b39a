// monokit: runs dependencies' install scripts in a pnpm production tree, on the
// platform the image is for. pnpm deploy selected that platform's packages on the
// build platform with --ignore-scripts; this runs what it skipped, the way pnpm
// would: preinstall, install, postinstall, or node-gyp rebuild for a binding.gyp
// without an install script, in the package's directory.
//
// usage: node native-build.js <tree> <input.json>
// input.json is helpers.NativeInput: {"packages": ["name@version", ...] (empty or
// null: every package with an install script), "optional": [...], "libs": dir,
// "runtime": dir, "built": dir, "ran": pnpm deploy ran the scripts (pnpm before
// 10.14), so only the libraries are added, "entries": each package's virtual
// store entries}. A failed script of an optional
// package (only optional dependencies reach it) is a warning, as pnpm treats
// it: its parent falls back without it.
//
// "built" is the install's virtual store, there only when this stage starts
// from the install, on the platform it ran on: pnpm already ran these scripts
// there, so each package it holds is copied as built (with what its scripts
// wrote beside it) instead of built twice. A package it lacks is built here.
//
// Then every addon in the tree (.node) is resolved by this image's loader
// (ldd), and each shared library it links that the runtime image (mounted at
// "runtime") lacks is copied into "libs", at the path the runtime's loader
// searches: the image built here has the packages system-packages installed,
// the runtime has only libc and libstdc++. A library this image lacks too
// fails the build when an addon the scripts wrote links it, and is a warning
// for the addons packages ship (often binaries for other libcs beside theirs).
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const { entryOwners } = require('./pnpm-store');

const [tree, inputFile] = process.argv.slice(2);
/** @type {import('./inputs').NativeInput} */
const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
const wanted = input.packages || [];
const optional = new Set(input.optional || []);
const store = path.join(tree, 'node_modules', '.pnpm');
// npm, which the build image carries, bundles node-gyp.
const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
const platform = `${process.platform}/${process.arch}`;
// The install's store, when this stage starts from the install (see above).
const built = input.built && fs.existsSync(input.built) ? input.built : null;

const owners = entryOwners(input.entries);

// idOf is the lockfile's key for the package pj, found in the store entry
// entry: name@version, or the key the plan named that entry for when it is
// the same package's (a file: dependency's key is name@file:<path>, whatever
// its package.json's version says).
/** @param {string} entry @param {{name: string, version: string}} pj */
function idOf(entry, pj) {
  const key = owners.get(entry);
  return key && key.startsWith(`${pj.name}@`) ? key : `${pj.name}@${pj.version}`;
}

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

// storeEntries are the store's entries that hold the wanted packages: those
// the plan names for them (input.entries, named as pnpm names them). Under
// emulation every file read costs, so only those entries are read; every
// entry when all packages with scripts are wanted, or when a wanted package
// is in none of them (then each is known by its package.json).
function storeEntries() {
  if (!fs.existsSync(store)) return [];
  const all = fs.readdirSync(store).sort();
  if (!wanted.length) return all;
  const present = new Set(all);
  const entries = input.entries || {};
  const some = [...new Set(wanted.flatMap((w) => (entries[w] || []).filter((e) => present.has(e))))].sort();
  return wanted.every((w) => (entries[w] || []).some((e) => present.has(e))) ? some : all;
}

const found = new Set();
// The addons in the directories of packages whose scripts ran (here, or in
// the install), before they ran: those the scripts wrote are compiled here.
const before = new Map();
const scriptDirs = [];
let ran = 0;
let copiedPackages = 0;
if (input.ran) console.log(`monokit: pnpm deploy ran the install scripts on ${platform}; adding the libraries their addons link`);
for (const entry of input.ran ? [] : storeEntries()) {
  const nm = path.join(store, entry, 'node_modules');
  if (!fs.existsSync(nm)) continue;
  for (const dir of packagesIn(nm)) { // the package itself; its dependencies are symlinks
    let pj;
    try { pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')); } catch { continue; }
    const id = idOf(entry, pj);
    if (wanted.length && !wanted.includes(id)) continue;
    const scripts = { ...(pj.scripts || {}) };
    if (!scripts.install && !scripts.preinstall && fs.existsSync(path.join(dir, 'binding.gyp'))) {
      scripts.install = 'node-gyp rebuild';
    }
    found.add(id);
    if (!scripts.preinstall && !scripts.install && !scripts.postinstall) continue;
    scriptDirs.push(dir + path.sep);
    if (copyBuilt(entry, dir, id)) {
      console.log(`monokit: ${id}: built by the install on ${platform}, copied`);
      copiedPackages++;
      dropIntermediates(dir, id);
      continue;
    }
    for (const f of addons(dir)) before.set(f, fs.statSync(f).mtimeMs);
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
    dropIntermediates(dir, id);
  }
}
for (const w of input.ran ? [] : wanted) { // after the deploy's scripts, no package was looked for
  if (!found.has(w)) console.log(`monokit: ${w} is not installed for ${platform}; nothing to build`);
}
console.log(`monokit: ran ${ran} install script(s) on ${platform}`);
if (built) {
  console.log(`monokit: copied ${copiedPackages} package(s) the install built on ${platform}`);
}

if (input.libs) collectLibs(input.libs, input.runtime || '/');

// copyBuilt replaces the package at dir (in the tree's store entry) with the
// same package from the install's store, where its scripts already ran, and
// adds what they wrote beside it in the entry's node_modules (links to its
// dependencies are the tree's own). False when the install does not hold it.
function copyBuilt(entry, dir, id) {
  if (!built) return false;
  const src = path.join(built, path.relative(store, dir));
  let pj;
  try { pj = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8')); } catch { return false; }
  if (idOf(entry, pj) !== id) return false;
  // An addon the package ships, not one its scripts wrote, stays one the
  // scripts did not write (see collectLibs).
  const shipped = addons(dir).filter((f) => {
    const b = path.join(src, path.relative(dir, f));
    return fs.existsSync(b) && fs.readFileSync(b).equals(fs.readFileSync(f));
  });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(src, dir, { recursive: true, verbatimSymlinks: true });
  for (const f of shipped) before.set(f, fs.statSync(f).mtimeMs);
  const nm = path.join(store, entry, 'node_modules');
  const srcNm = path.join(built, entry, 'node_modules');
  for (const e of fs.readdirSync(srcNm, { withFileTypes: true })) {
    const to = path.join(nm, e.name);
    if (e.isSymbolicLink() || lexists(to)) continue;
    fs.cpSync(path.join(srcNm, e.name), to, { recursive: true, verbatimSymlinks: true });
  }
  return true;
}

// dropIntermediates removes what node-gyp compiles through and no loader
// reads: build/{Release,Debug}/obj.target (objects, and a second copy of
// each addon) and .deps. bindings and node-gyp-build look for the addon in
// build/Release itself; re2's objects were 80 MB beside its 23 MB addon.
function dropIntermediates(dir, id) {
  let bytes = 0;
  for (const cfg of ['Release', 'Debug']) {
    for (const sub of ['obj.target', '.deps']) {
      const p = path.join(dir, 'build', cfg, sub);
      if (!lexists(p)) continue;
      const du = cp.spawnSync('du', ['-sb', p]);
      bytes += parseInt(du.stdout ? du.stdout.toString() : '0', 10) || 0;
      fs.rmSync(p, { recursive: true, force: true });
    }
  }
  if (bytes) console.log(`monokit: ${id}: removed node-gyp's intermediate files (${(bytes / 1e6).toFixed(1)} MB)`);
}

function lexists(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

// addons lists the .node files under dir, not following symlinks (pnpm's
// links point back into the tree). find lists a whole tree several times
// faster than JavaScript under emulation; without find, the walk is here.
function addons(dir) {
  const res = cp.spawnSync('find', [dir, '-name', '*.node', '-type', 'f', '-print0'], { maxBuffer: 1 << 28 });
  if (res.error || res.status !== 0) return walkAddons(dir);
  return res.stdout.toString('utf8').split('\0').filter(Boolean);
}

function walkAddons(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkAddons(p, out);
    else if (e.isFile() && e.name.endsWith('.node')) out.push(p);
  }
  return out;
}

// linked runs ldd on an addon: the libraries it resolves (soname -> path) and
// those it cannot find. Not an ELF object for this platform: nothing.
function linked(file) {
  const res = cp.spawnSync('ldd', [file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.error) {
    console.error(`monokit: cannot run ldd in the build image (${res.error.message}); it is needed to find the shared libraries addons link`);
    process.exit(1);
  }
  const found = new Map();
  const missing = [];
  for (const line of `${res.stdout}\n${res.stderr}`.split('\n')) {
    let m;
    if ((m = /^\s*(\S+) => not found/.exec(line))) missing.push(m[1]); // glibc
    else if ((m = /^Error loading shared library (\S+?):/.exec(line))) missing.push(m[1]); // musl
    else if ((m = /^\s*(\S+) => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line))) found.set(m[1], m[2]);
  }
  return { found, missing };
}

// inRuntime says whether the runtime image has a library of that name where
// its loader looks: the directory ldd found it in here, or a standard one.
function inRuntime(runtime, name, dir) {
  const usr = dir.startsWith('/usr/') ? dir.slice(4) : '/usr' + dir;
  for (const d of [dir, usr, '/lib', '/usr/lib', '/usr/local/lib']) {
    try {
      fs.lstatSync(path.join(runtime, d, name));
      return true;
    } catch {}
  }
  return false;
}

function collectLibs(libs, runtime) {
  fs.mkdirSync(libs, { recursive: true });
  const copied = new Map();
  const fatal = [];
  const warned = [];
  for (const file of addons(tree).sort()) {
    // node_modules/.pnpm/<key>/node_modules/<name>/<path>: say <name>/<path>.
    const rel = path.relative(tree, file).replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    const { found, missing } = linked(file);
    for (const [name, from] of found) {
      if (from.startsWith(tree + '/') || copied.has(name) || inRuntime(runtime, name, path.dirname(from))) continue;
      // /lib is /usr/lib on merged-/usr images, and searched after it otherwise.
      const at = from.replace(/^\/lib\//, '/usr/lib/');
      const dest = path.join(libs, at);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(fs.realpathSync(from), dest);
      copied.set(name, dest);
      console.log(`monokit: ${rel} links ${name}, which the runtime image lacks: adding ${at}`);
    }
    // A binary for the other libc (bcrypt ships glibc and musl builds side by
    // side) is not one the app loads here.
    // (musl's libc is libc.so, or libc.musl-<arch>.so.1 on Alpine).
    if (missing.some((n) => /^(libc\.musl-|ld-musl-|ld-linux)/.test(n) || n === 'libc.so' || n === 'libc.so.6')) continue;
    const written = scriptDirs.some((d) => file.startsWith(d)) && before.get(file) !== fs.statSync(file).mtimeMs;
    for (const name of missing) {
      (written ? fatal : warned).push(`${rel} links ${name}`);
    }
  }
  for (const w of warned) {
    console.warn(`monokit: warning: ${w}, which neither this build image nor the runtime has; if the app loads that addon, add the package that provides it to system-packages`);
  }
  if (fatal.length) {
    console.error(`monokit: addons compiled here link shared libraries the build image lacks (${platform}):\n  ${fatal.join('\n  ')}\nadd the packages that provide them to system-packages in monokit.yaml (the runtime package, such as libkrb5-3, beside its -dev package)`);
    process.exit(1);
  }
  console.log(`monokit: ${copied.size} shared librar${copied.size === 1 ? 'y' : 'ies'} added to the runtime image`);
}
