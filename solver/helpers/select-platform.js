// monokit: makes a traced production tree (Next.js's standalone output, built on
// the build platform) hold the target platform's prebuilt packages and only the
// production dependencies. It runs on the build platform; nothing executes
// target-platform code.
//
// usage: node select-platform.js <tree> <select.json>
//   MONOKIT_TARGET_OS, MONOKIT_TARGET_CPU: the target, as npm names them
//   select.json: helpers.SelectInput: {libc, storeDir, prod: ["name@version"],
//   parents: ["name@version"], platform: [{key, name, version, os, cpu, libc,
//   integrity, tarball, dependents, entry, fetched}], entries: {"name@version":
//   [virtual store entries]} (each production package's, as pnpm names them)}. parents are the packages with
//   platform-specific optional dependencies; platform are those dependencies
//   for every platform (and what they depend on), as the lockfile pins them.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');
const { entryOwners } = require('./pnpm-store.js');

const [tree, selectFile] = process.argv.slice(2);
/** @type {import('./inputs').SelectInput} */
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
// keyOf is the production package ("name@version") a virtual store entry
// holds, by the entries the plan named for each (sel.entries); null for an
// entry of no production package.
const owners = entryOwners(sel.entries);
const keyOf = (/** @type {string} */ entry) => owners.get(entry) ?? null;
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
  if (!keyOf(entry) && entry !== 'node_modules' && !/(^|@)file\+/.test(entry)) {
    log(`dropping ${entry}: traced, but not a production dependency`);
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

// 3. Fetch the parents' packages for the target, exactly as the lockfile pins
// them (their tarballs' integrity checked), into the tree's store, and link
// them where pnpm would: from each package that depends on them. BuildKit
// fetched those that take no credentials (p.fetched); npm fetches the rest.
const crypto = require('crypto');
const platformPkgs = sel.platform || [];
const fits = (p) => allows(asList(p.os), target.os) && allows(asList(p.cpu), target.cpu) && allows(asList(p.libc), target.libc);
const fetchDir = fs.mkdtempSync('/tmp/monokit-select-');

/** @param {import('./inputs').PinnedPackage} p */
function fetchTarball(p) {
  let file;
  if (p.fetched && fs.existsSync(p.fetched)) {
    file = p.fetched; // BuildKit fetched it (the plan's mount)
    log(`${p.key}: the tarball BuildKit fetched`);
  } else {
    const spec = p.tarball || `${p.name}@${p.version}`;
    const res = cp.spawnSync('npm', ['pack', '--json', '--pack-destination', fetchDir, spec], { cwd: fetchDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (res.status !== 0) {
      console.error(`monokit: fetching ${p.key} for ${target.os}/${target.cpu} failed`);
      process.exit(1);
    }
    file = path.join(fetchDir, JSON.parse(res.stdout)[0].filename);
    log(`${p.key}: fetched by npm`);
  }
  const [algo, want] = p.integrity.split(/-(.*)/s);
  const got = crypto.createHash(algo).update(fs.readFileSync(file)).digest('base64');
  if (got !== want) {
    console.error(`monokit: ${p.key}'s tarball does not match pnpm-lock.yaml's integrity (${p.integrity}, got ${algo}-${got})`);
    process.exit(1);
  }
  return file;
}

function link(nm, p) {
  const dest = path.join(nm, p.name);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.rmSync(dest, { recursive: true, force: true });
  fs.symlinkSync(path.relative(path.dirname(dest), path.join(store, p.entry, 'node_modules', p.name)), dest);
}

const ensured = new Set();
function ensure(p) {
  if (ensured.has(p.key)) return;
  ensured.add(p.key);
  const dir = path.join(store, p.entry, 'node_modules', p.name);
  if (!fs.existsSync(dir)) {
    const tgz = fetchTarball(p);
    fs.mkdirSync(dir, { recursive: true });
    const res = cp.spawnSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1'], { stdio: 'inherit' });
    if (res.status !== 0) {
      console.error(`monokit: unpacking ${p.key} failed`);
      process.exit(1);
    }
  }
  for (const c of platformPkgs) {
    if (c.dependents.includes(p.key) && fits(c)) {
      ensure(c);
      link(path.join(store, p.entry, 'node_modules'), c);
    }
  }
}

for (const t of todo) {
  let found = false;
  for (const p of platformPkgs) {
    if (!p.dependents.includes(t.key) || !fits(p)) continue;
    ensure(p);
    link(path.join(store, t.entry, 'node_modules'), p);
    log(`${t.key}: ${p.key} for ${target.os}/${target.cpu} (${target.libc})`);
    found = true;
  }
  if (!found) log(`warning: pnpm-lock.yaml pins no ${target.os}/${target.cpu} (${target.libc}) package among ${t.key}'s dependencies; it goes without one, as pnpm would install it`);
}
fs.rmSync(fetchDir, { recursive: true, force: true });
