// monokit: makes a traced production tree (Next.js's standalone output, built on
// the build platform) hold the target platform's prebuilt packages and only the
// production dependencies. It runs on the build platform; nothing executes
// target-platform code.
//
// usage: node select-platform.js <tree> <select.json>
//   MONOKIT_TARGET_OS, MONOKIT_TARGET_CPU: the target, as npm names them
//   select.json: {libc, storeDir, prod: ["name@version"], parents: ["name@version"]}
//   parents are the packages with platform-specific optional dependencies.
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const [tree, selectFile] = process.argv.slice(2);
const sel = JSON.parse(fs.readFileSync(selectFile, 'utf8'));
const target = { os: process.env.MONOKIT_TARGET_OS, cpu: process.env.MONOKIT_TARGET_CPU, libc: sel.libc };
const store = path.join(tree, 'node_modules', '.pnpm');
const log = (m) => console.log(`monokit: ${m}`);

function allows(list, v) {
  if (!list || list.length === 0) return true;
  if (list.includes('!' + v)) return false;
  const pos = list.filter((e) => !e.startsWith('!'));
  return pos.length === 0 || pos.includes(v) || pos.includes('any');
}
const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
function platformOf(dir) {
  const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const specific = pj.os || pj.cpu || pj.libc;
  const fits = allows(asList(pj.os), target.os) && allows(asList(pj.cpu), target.cpu) && allows(asList(pj.libc), target.libc);
  return { specific, fits };
}
// A virtual store entry is name@version with / as +, then _peers.
function keyOf(entry) {
  const m = /^(@?[^@]+)@([^_]+)/.exec(entry);
  return m ? `${m[1].replace('+', '/')}@${m[2]}` : null;
}
// The package links in a node_modules directory, scoped ones included.
function links(nm) {
  const out = [];
  if (!fs.existsSync(nm)) return out;
  for (const e of fs.readdirSync(nm, { withFileTypes: true })) {
    const p = path.join(nm, e.name);
    if (e.name.startsWith('@') && e.isDirectory()) {
      for (const s of fs.readdirSync(p, { withFileTypes: true })) if (s.isSymbolicLink()) out.push(path.join(p, s.name));
    } else if (e.isSymbolicLink()) out.push(p);
  }
  return out;
}
const entryOf = (real) => path.relative(store, real).split(path.sep)[0];

if (!fs.existsSync(store)) {
  log(`${tree} has no node_modules/.pnpm; nothing to select`);
  process.exit(0);
}

// 1. Drop what the trace took that production does not install (a
// devDependency such as typescript that Next.js traces conservatively).
const prod = new Set(sel.prod);
for (const entry of fs.readdirSync(store)) {
  const key = keyOf(entry);
  if (key && !prod.has(key) && entry !== 'node_modules') {
    log(`dropping ${key}: traced, but not a production dependency`);
    fs.rmSync(path.join(store, entry), { recursive: true, force: true });
  }
}

// 2. Replace other platforms' prebuilt packages with the target's.
const wrong = [];
const todo = [];
for (const entry of fs.readdirSync(store)) {
  const nm = path.join(store, entry, 'node_modules');
  const key = keyOf(entry);
  const parent = sel.parents.includes(key);
  for (const l of links(entry === 'node_modules' ? path.join(store, 'node_modules') : nm)) {
    let real;
    try { real = fs.realpathSync(l); } catch { fs.unlinkSync(l); continue; } // dangling after step 1
    const p = platformOf(real);
    if (p.specific && !p.fits) {
      wrong.push({ link: l, entry: entryOf(real) });
      if (parent && !todo.some((t) => t.entry === entry)) todo.push({ entry, key });
    }
  }
}
if (wrong.length === 0) {
  log(`the tree already holds ${target.os}/${target.cpu} (${target.libc}) packages only`);
  process.exit(0);
}
for (const w of wrong) {
  fs.rmSync(w.link, { force: true });
  fs.rmSync(path.join(store, w.entry), { recursive: true, force: true });
}
log(`removed ${[...new Set(wrong.map((w) => w.entry))].join(', ')}`);
if (todo.length === 0) process.exit(0);

// Fetch the parents for the target platform: exactly their pinned platform
// packages, without running anything.
const fetchDir = fs.mkdtempSync('/tmp/monokit-select-');
const deps = Object.fromEntries(todo.map((t) => { const i = t.key.lastIndexOf('@'); return [t.key.slice(0, i), t.key.slice(i + 1)]; }));
fs.writeFileSync(path.join(fetchDir, 'package.json'), JSON.stringify({ name: 'monokit-select', private: true, dependencies: deps }));
const args = ['install', '--ignore-scripts', '--no-lockfile', `--os=${target.os}`, `--cpu=${target.cpu}`, `--libc=${target.libc}`, `--store-dir=${sel.storeDir}`, '--config.node-linker=isolated', '--reporter=append-only'];
const res = cp.spawnSync('pnpm', args, { cwd: fetchDir, stdio: 'inherit' });
if (res.status !== 0) {
  console.error(`monokit: fetching ${Object.keys(deps).join(', ')} for ${target.os}/${target.cpu} failed`);
  process.exit(1);
}
const fetched = path.join(fetchDir, 'node_modules', '.pnpm');
// copyEntry copies a fetched virtual store entry and, through its links, what it
// depends on (sharp-linux-arm64 links sharp-libvips-linux-arm64).
function copyEntry(entry) {
  if (fs.existsSync(path.join(store, entry))) return;
  fs.cpSync(path.join(fetched, entry), path.join(store, entry), { recursive: true, verbatimSymlinks: true });
  for (const l of links(path.join(fetched, entry, 'node_modules'))) copyEntry(path.relative(fetched, fs.realpathSync(l)).split(path.sep)[0]);
}
for (const t of todo) {
  const name = t.key.slice(0, t.key.lastIndexOf('@'));
  const prefix = `${name.replace('/', '+')}@${t.key.slice(t.key.lastIndexOf('@') + 1)}`;
  const src = fs.readdirSync(fetched).find((e) => e === prefix || e.startsWith(prefix + '_'));
  if (!src) throw new Error(`monokit: ${t.key} was not fetched`);
  for (const l of links(path.join(fetched, src, 'node_modules'))) {
    const real = fs.realpathSync(l);
    if (!platformOf(real).specific) continue;
    copyEntry(path.relative(fetched, real).split(path.sep)[0]);
    const rel = path.relative(path.join(fetched, src, 'node_modules'), l);
    const dest = path.join(store, t.entry, 'node_modules', rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { force: true });
    fs.symlinkSync(fs.readlinkSync(l), dest);
    log(`${t.key}: ${rel} for ${target.os}/${target.cpu} (${target.libc})`);
  }
}
fs.rmSync(fetchDir, { recursive: true, force: true });
