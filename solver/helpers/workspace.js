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
//   package.json), "bins": [{"name", "deps", "link"}] (a start through a
//   dependency's bin: link, in the tree, to the file that bin names)}.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');
const { workspaceCopies, overlayPath } = require('./pnpm-store.js');

// Files whose imports are checked, and the most read of each.
const CODE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/;
const MAX_CODE_BYTES = 2 << 20;
const MAX_WARNINGS = 20;
// A static import, export-from, dynamic import or require of a string.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/g;
const TYPE_ONLY = /^\s*(?:import|export)\s+type\b/;
// Tests, their fixtures and tools' configs, which the app never loads and
// which import devDependencies by design (karakeep's *.test.ts import vitest).
const NOT_RUN = /(?:^|\/)(?:__tests__|__mocks__|tests?|e2e|fixtures?|stories)\/|\.(?:test|spec|stories|bench)\.[^/]+$|(?:^|\/)[^/]+\.config\.[cm]?[jt]s$/;

/**
 * bareName is the package a specifier loads, or '' for a relative or
 * absolute path, a builtin, a URL-like or a subpath import.
 * @param {string} spec
 */
function bareName(spec) {
  if (/^[./#]/.test(spec) || spec.includes(':') || builtinModules.includes(spec.split('/')[0])) return '';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * resolvable: node's lookup from dir up to the tree's root finds name.
 * @param {string} tree @param {string} dir @param {string} name
 */
function resolvable(tree, dir, name) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules' && fs.existsSync(path.join(d, 'node_modules', name))) return true;
    if (d === tree || path.dirname(d) === d) return false;
  }
}

/**
 * phantomImports are the imports in a package's shipped files of packages it
 * does not declare and its copy in the tree cannot resolve, as
 * "file:line imports name" lines.
 * @param {string} tree @param {string} copy @param {string} src
 * @param {string} dir @param {string[]} files
 */
function phantomImports(tree, copy, src, dir, files) {
  const pj = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
  const declared = new Set([pj.name, ...['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((f) => (pj[f] && typeof pj[f] === 'object' ? Object.keys(pj[f]) : []))]);
  const dev = pj.devDependencies && typeof pj.devDependencies === 'object' ? pj.devDependencies : {};
  const found = [];
  for (const f of files) {
    if (!CODE.test(f) || /\.d\.[cm]?ts$/.test(f) || NOT_RUN.test(f.split(path.sep).join('/'))) continue;
    const file = path.join(src, f);
    if (fs.statSync(file).size > MAX_CODE_BYTES) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const t = line.trimStart();
      if (t.startsWith('//') || t.startsWith('*') || TYPE_ONLY.test(line)) return;
      for (const m of line.matchAll(SPECIFIER)) {
        const name = bareName(m[2]);
        if (!name || declared.has(name) || resolvable(tree, copy, name)) continue;
        const where = `${path.posix.join(dir, f.split(path.sep).join('/'))}:${i + 1}`;
        found.push(`${where} imports "${name}", which ${pj.name} ${Object.hasOwn(dev, name) ? 'lists only in devDependencies' : 'does not declare'}`);
      }
    });
  }
  return [...new Set(found)];
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true });
  fs.copyFileSync(from, to);
}

/**
 * linkBin links bin.link in the tree (through out) to the file that the bin
 * names in the first of the app's dependencies that has it, as pnpm links
 * node_modules/.bin, but to the JavaScript file itself: the runtime has node
 * and no shell to run .bin's shim.
 * @param {string} tree
 * @param {string} out
 * @param {import('./inputs').BinLink} bin
 */
function linkBin(tree, out, bin) {
  for (const dep of bin.deps || []) {
    const dir = path.join(tree, 'node_modules', dep);
    let pj;
    try {
      pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    let file = '';
    if (typeof pj.bin === 'string') {
      if (String(pj.name).replace(/^@[^/]+\//, '') === bin.name) file = pj.bin;
    } else if (pj.bin && typeof pj.bin === 'object' && typeof pj.bin[bin.name] === 'string') {
      file = pj.bin[bin.name];
    }
    if (!file) continue;
    const target = path.join(dir, file);
    if (path.relative(dir, target).startsWith('..') || !fs.existsSync(target)) {
      throw new Error(`${dep}'s bin ${bin.name} is ${file}, which its package does not hold`);
    }
    const link = path.join(tree, bin.link);
    const to = overlayPath(tree, out, link);
    if (!to) throw new Error(`${bin.link} leads out of the production tree`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.rmSync(to, { force: true });
    fs.symlinkSync(path.relative(path.dirname(link), target), to);
    console.log(`monokit: start: node ${bin.link}, ${dep}'s bin ${bin.name} (${file})`);
    return;
  }
  throw new Error(`the start script runs ${bin.name}, and none of the app's dependencies (${(bin.deps || []).join(', ') || 'none'}) has a bin of that name in the production tree: move the package that provides it from devDependencies to dependencies, or start with node`);
}

/** @param {import('./inputs').WorkspaceInput} input */
async function main(input) {
  for (const bin of input.bins || []) linkBin(input.tree, input.out, bin);
  const packlist = input.packages && input.packages.length ? require(input.packlist) : null;
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
    const phantoms = phantomImports(input.tree, dests[0], src, pkg.dir, files);
    for (const p of phantoms.slice(0, MAX_WARNINGS)) {
      console.warn(`monokit: warning: ${p}, and the production tree does not hold it: the app fails if it loads that file (an install of the whole workspace can find it where another project declares it). Declare it in ${path.posix.join(pkg.dir, 'package.json')}'s dependencies`);
    }
    if (phantoms.length > MAX_WARNINGS) console.warn(`monokit: warning: ${pkg.name}: ${phantoms.length - MAX_WARNINGS} more such import(s)`);
  }
}

main(JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))).catch((e) => {
  console.error(`monokit: workspace.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
