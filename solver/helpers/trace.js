// monokit: cuts the production tree down to the files the app can load. It
// traces the app's entry points with @vercel/nft (the tracer Next.js uses:
// static require and import, files read with fs at paths it can compute,
// .node addons loaded through bindings and node-gyp-build), then adds:
//   - the nearest package.json of every kept file (node reads its "type");
//   - every package with a native addon or shared library that a kept
//     package depends on, whole (but for its C and C++ sources and build
//     intermediates), with the addon's own native dependencies (an addon
//     dlopens what its rpath names, which no tracer sees);
//   - the files node itself reads (--env-file) and the include: globs;
//   - whole, each package node preloads (--import tsx): a loader registers
//     its hooks by URLs no tracer follows.
// An app that runs its TypeScript sources (tsx) is traced through them:
// esbuild, the transform tsx runs, strips their types before nft reads
// them, and a relative import also resolves as TypeScript's does
// (./util.js and ./util find util.ts); the tsconfig.json tsx reads, with
// every config it extends, is kept.
// Each kept file is copied into out/dependencies or out/workspace, by the
// layer of the untraced image that held it, so the image keeps its layer
// order; the app's own files are not copied: its layer ships them whole.
// Modes, symlinks and modification times are kept, so an unchanged result
// makes the same layer.
//
// usage: node trace.js <input.json>
//   input.json is helpers.TraceInput: {"root": the untraced tree (the
//   dependencies, workspace and app layers merged, read-only), "workspace"
//   and "app": those layers alone, at root's path, "out", "nft": where
//   @vercel/nft is, "entries": the files node runs first, "modules": the
//   modules it preloads (-r, --import), "files": files node reads itself,
//   "include": [{"glob", "base", "regexp"}] (the planner turns each glob
//   into a JavaScript regular expression over paths relative to root),
//   "typescript" and "esbuild": set when node runs TypeScript sources}.
// @ts-check
'use strict';
const fs = require('fs');
const path = require('path');

// At most this many directory entries are visited by one walk (a native
// scan, an include glob, the totals), so no tree makes the step run
// unbounded; a walk that reaches it stops there and says so.
const MAX_WALK = 1000000;
// A native addon or a shared library an addon may load.
const NATIVE = /\.node$|\.so(?:\.\d+)*$/;
// What only compiling a native package reads (see keepWhole).
const BUILD_ONLY = /\.(?:o|obj|a|lib|c|cc|cpp|cxx|h|hh|hpp|hxx|gyp|gypi|mk)$|^Makefile$/;
const BUILD_DIRS = new Set(['obj.target', '.deps']);
const MAX_WARNINGS = 20;
// The app's own files that are code node may load.
const CODE = /\.(?:js|mjs|cjs)$/;
// TypeScript sources, which tsx loads too; declaration files are types only.
const TS = /\.(?:[cm]?ts|tsx)$/;
const DTS = /\.d\.[cm]?ts$/;

/**
 * isSource reports whether rel is code node loads: JavaScript, and
 * TypeScript when the app runs its sources.
 * @param {string} rel
 * @param {boolean} [ts]
 */
function isSource(rel, ts) {
  return CODE.test(rel) || (!!ts && TS.test(rel) && !DTS.test(rel));
}

/**
 * codeFiles calls found with each code file (isSource) under dir, outside
 * nested node_modules, relative to root; false when the walk stopped at
 * MAX_WALK entries.
 * @param {string} root
 * @param {string} dir
 * @param {boolean | undefined} ts
 * @param {(rel: string) => void} found
 */
function codeFiles(root, dir, ts, found) {
  return walk(root, dir, (rel, st) => {
    if (st.isDirectory()) return path.posix.basename(rel) !== 'node_modules';
    if (st.isFile() && isSource(rel, ts)) found(rel);
  });
}

/**
 * tsAlternatives are the files TypeScript's resolution (and tsx's) also
 * tries for a specifier node alone would not find: ./util.js is
 * ./util.ts, ./util is ./util.ts or ./util/index.ts, and so is a package's
 * subpath (@w/shared/config is config.ts in a workspace package that
 * exports its sources with no exports map).
 * @param {string} spec
 */
function tsAlternatives(spec) {
  const relative = spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec === '.' || spec === '..';
  const name = relative ? '' : bareName(spec);
  if (!relative && (!name || spec.length <= name.length + 1)) return [];
  const m = /\.(jsx?|mjs|cjs)$/.exec(spec);
  if (m) {
    const base = spec.slice(0, -m[0].length);
    /** @type {Record<string, string[]>} */
    const exts = { js: ['.ts', '.tsx'], jsx: ['.tsx'], mjs: ['.mts'], cjs: ['.cts'] };
    return exts[m[1]].map((e) => base + e);
  }
  if (TS.test(spec)) return [];
  const base = spec.replace(/\/+$/, '');
  return ['.ts', '.tsx', '.mts', '.cts', '/index.ts', '/index.tsx'].map((e) => base + e);
}

/** @param {string} p */
function lstat(p) {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * bareName is the package a bare specifier names (dotenv for
 * dotenv/config), or '' for a path.
 * @param {string} spec
 */
function bareName(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.includes(':')) return '';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * walk visits the entries under dir (relative to root), depth first, in
 * name order, calling visit(rel, stat); it follows directory symlinks only
 * when follow is set, each real directory once. It returns false when it
 * stopped at MAX_WALK entries.
 * @param {string} root
 * @param {string} dir
 * @param {(rel: string, st: fs.Stats) => boolean | void} visit return false to skip a directory
 * @param {{follow?: boolean}} [o]
 */
function walk(root, dir, visit, o = {}) {
  let left = MAX_WALK;
  const seen = new Set();
  const stack = [dir];
  while (stack.length) {
    const d = /** @type {string} */ (stack.pop());
    let names;
    try {
      names = fs.readdirSync(path.join(root, d)).sort().reverse();
    } catch {
      continue;
    }
    if (o.follow) {
      let real;
      try {
        real = fs.realpathSync(path.join(root, d));
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
    }
    for (const name of names) {
      if (--left < 0) return false;
      const rel = d ? `${d}/${name}` : name;
      let st = lstat(path.join(root, rel));
      if (!st) continue;
      if (st.isSymbolicLink() && o.follow) {
        try {
          const target = fs.statSync(path.join(root, rel));
          if (target.isDirectory()) {
            if (visit(rel, st) !== false) stack.push(rel);
            continue;
          }
        } catch {
          // a dangling link: visited as the link it is
        }
      }
      if (visit(rel, st) !== false && st.isDirectory()) stack.push(rel);
    }
  }
  return true;
}

class Tracer {
  /** @param {import('./inputs.js').TraceInput} input */
  constructor(input) {
    this.input = input;
    this.root = input.root;
    /** @type {Set<string>} paths relative to root to keep */
    this.keep = new Set();
    /** @type {string[]} */
    this.warnings = [];
    /** @type {string[]} what the tracer found no file for */
    this.unresolved = [];
    /** @type {Map<string, boolean>} */
    this.nativeCache = new Map();
    /** @type {Set<string>} package directories of kept files */
    this.pkgDirs = new Set();
    /** @type {string[]} packages kept whole for their addons */
    this.whole = [];
    this.stats = { dependencies: { files: 0, bytes: 0 }, workspace: { files: 0, bytes: 0 } };
    /** @type {Set<string>} */
    this.emitted = new Set();
    /** @type {string[]} directories created, to date once filled */
    this.dirs = [];
  }

  /** @param {string} msg */
  warn(msg) {
    this.warnings.push(msg);
  }

  /** @param {string} rel */
  exists(rel) {
    return lstat(path.join(this.root, rel)) !== null;
  }

  async trace() {
    const { nodeFileTrace } = require(this.input.nft);
    const entries = [];
    for (const e of this.input.entries || []) {
      // As node finds its main entry: build is build.js, or build/index.js,
      // or what build/package.json's main names.
      const rel = path.posix.normalize(e);
      try {
        entries.push(require.resolve(path.join(this.root, rel)));
        this.keep.add(rel);
      } catch {
        this.warn(`the start file ${rel} is not in the image`);
      }
    }
    // Every file of the app's own code, which its layer ships whole: a
    // server that loads the app's build by a path it is given (react-router-
    // serve build/server/index.js), or a module its code loads lazily, still
    // finds what those import.
    const whole = codeFiles(this.input.app, '', this.input.typescript, (rel) => entries.push(path.join(this.root, rel)));
    if (!whole) this.warn(`the app's files are more than ${MAX_WALK}: only the first are traced`);
    for (const m of this.input.modules || []) {
      const name = bareName(m);
      const pkg = name ? this.resolveDep('.', name) : null;
      if (pkg) {
        // A loader (tsx, an instrumentation) registers its hooks by URLs
        // no tracer follows: its package is kept whole, and what its code
        // imports is traced.
        this.keep.add(pkg.link);
        this.keepWhole(pkg.real);
        codeFiles(this.root, pkg.real, false, (rel) => entries.push(path.join(this.root, rel)));
        continue;
      }
      try {
        entries.push(require.resolve(m, { paths: [this.root] }));
      } catch (err) {
        this.warn(`node preloads ${m}, which does not resolve from ${this.root} (${/** @type {Error} */ (err).message.split('\n')[0]}): add its files to include:`);
      }
    }
    const result = await nodeFileTrace([...new Set(entries)], {
      base: this.root,
      processCwd: this.root,
      mixedModules: true,
      analysis: { emitGlobs: true, computeFileReferences: true, evaluatePureExpressions: true },
      ...(this.input.typescript ? this.typescriptHooks() : {}),
    });
    for (const f of result.fileList) this.keep.add(f);
    // nft warns of specifiers that resolve to nothing in the tree (most are
    // optional modules the code tries and catches: include: cannot add
    // what is not there) and of files it read but could not parse: said
    // in one line, not one each.
    /** @type {Set<string>} */
    const unresolved = new Set();
    for (const w of result.warnings) {
      const msg = String(w && w.message ? w.message : w).split('\n')[0];
      const m = /^Failed to resolve dependency "([^"]+)"/.exec(msg);
      if (m) {
        if (!m[1].startsWith('node:')) unresolved.add(m[1]);
      } else if (!/^Failed to parse /.test(msg)) {
        this.warn(msg);
      }
    }
    this.unresolved = [...unresolved].sort();
    for (const f of this.input.files || []) {
      if (this.exists(f)) this.keep.add(f);
      else this.warn(`node reads ${f}, which is not in the image`);
    }
  }

  /**
   * typescriptHooks are nft's readFile and resolve for an app that runs
   * its sources: a TypeScript file reaches nft as the JavaScript tsx would
   * run (esbuild's transform, every import kept, as with
   * verbatimModuleSyntax, so none is lost), and a relative specifier nft
   * cannot find is tried as TypeScript (tsAlternatives), in node_modules
   * too, where workspace packages are.
   */
  typescriptHooks() {
    const esbuild = require(/** @type {string} */ (this.input.esbuild));
    const { resolve } = require(this.input.nft);
    /** @type {Map<string, Promise<string | null>>} */
    const cache = new Map();
    const read = async (/** @type {string} */ p) => {
      let src;
      try {
        src = await fs.promises.readFile(p, 'utf8');
      } catch (err) {
        const code = /** @type {NodeJS.ErrnoException} */ (err).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
        throw err;
      }
      if (!TS.test(p) || DTS.test(p)) return src;
      try {
        const out = await esbuild.transform(src, {
          loader: p.endsWith('x') ? 'tsx' : 'ts',
          jsx: 'automatic',
          sourcefile: p,
          tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
        });
        return out.code;
      } catch (err) {
        this.warn(`${path.relative(this.root, p)}: esbuild cannot strip its types (${String(/** @type {Error} */ (err).message).split('\n')[0]}): what it imports is not traced; list it under include:`);
        return src;
      }
    };
    return {
      readFile: (/** @type {string} */ p) => {
        let v = cache.get(p);
        if (!v) {
          v = read(p);
          cache.set(p, v);
        }
        return v;
      },
      resolve: async (/** @type {string} */ spec, /** @type {string} */ parent, /** @type {any} */ job, /** @type {boolean} */ cjs) => {
        try {
          return await resolve(spec, parent, job, cjs);
        } catch (err) {
          for (const alt of tsAlternatives(spec)) {
            try {
              return await resolve(alt, parent, job, cjs);
            } catch {
              // the next
            }
          }
          throw err;
        }
      },
    };
  }

  // tsconfigs keeps the tsconfig.json tsx reads when the app starts (the
  // one where node runs, root) and every config it extends: tsx applies its
  // baseUrl and paths only when it can load the whole chain, and extended
  // configs (@tsconfig/node22, a workspace package's node.json) are files
  // no code imports.
  tsconfigs() {
    /** @type {Set<string>} */
    const seen = new Set();
    /** @type {(abs: string, depth: number) => void} */
    const visit = (abs, depth) => {
      const rel = path.relative(this.root, abs).split(path.sep).join('/');
      if (depth > 20 || seen.has(rel) || rel.startsWith('..') || path.isAbsolute(rel)) return;
      seen.add(rel);
      let cfg;
      try {
        cfg = parseJSONC(fs.readFileSync(abs, 'utf8'));
      } catch (err) {
        return this.warn(`${rel}: ${/** @type {Error} */ (err).message}: tsx may not read it either`);
      }
      this.keep.add(rel);
      const ext = cfg && cfg.extends;
      for (const e of Array.isArray(ext) ? ext : ext ? [ext] : []) {
        if (typeof e !== 'string') continue;
        const f = extendsFile(e, path.dirname(abs));
        if (f) visit(f, depth + 1);
        else this.warn(`${rel} extends ${e}, which is not in the production tree: tsx will not find it either (add the package that holds it to dependencies)`);
      }
    };
    const first = path.join(this.root, 'tsconfig.json');
    if (lstat(first)) visit(first, 0);
  }

  // packageJSONs keeps the nearest package.json of every kept file, and
  // notes the directories that hold them under node_modules: the packages
  // (or generated clients, such as Prisma's .prisma/client) in use.
  packageJSONs() {
    for (const f of [...this.keep]) {
      for (let d = path.posix.dirname(f); ; d = path.posix.dirname(d)) {
        const pj = d === '.' ? 'package.json' : `${d}/package.json`;
        if (this.exists(pj)) {
          this.keep.add(pj);
          if (d.split('/').includes('node_modules')) this.pkgDirs.add(d);
          break;
        }
        if (d === '.' || d === '/') break;
      }
    }
  }

  /**
   * native reports whether a package directory holds an addon or a shared
   * library (nested node_modules aside).
   * @param {string} dir relative to root
   */
  native(dir) {
    let v = this.nativeCache.get(dir);
    if (v !== undefined) return v;
    // A package for some platforms only (os, cpu: @esbuild/linux-x64,
    // @img/sharp-linux-x64) is chosen at run time by a name computed from
    // the platform, which no tracer follows: native too.
    try {
      const pj = JSON.parse(fs.readFileSync(path.join(this.root, dir, 'package.json'), 'utf8'));
      v = (Array.isArray(pj.os) && pj.os.length > 0) || (Array.isArray(pj.cpu) && pj.cpu.length > 0);
    } catch {
      v = false;
    }
    // A package too large to scan whole is kept whole: it may hold an addon.
    if (!v) v = !walk(this.root, dir, (rel, st) => {
      if (v) return false;
      if (st.isDirectory()) return path.posix.basename(rel) !== 'node_modules';
      if ((st.isFile() || st.isSymbolicLink()) && NATIVE.test(rel)) v = true;
    }) || v;
    this.nativeCache.set(dir, v);
    return v;
  }

  /**
   * resolveDep is the directory node finds dep in from the package at dir
   * (its own node_modules, then each parent's), as a real path relative to
   * root, with the link it went through; null if none.
   * @param {string} dir
   * @param {string} dep
   */
  resolveDep(dir, dep) {
    for (let d = dir; ; d = path.posix.dirname(d)) {
      if (path.posix.basename(d) !== 'node_modules') {
        const link = d === '.' ? `node_modules/${dep}` : `${d}/node_modules/${dep}`;
        if (this.exists(link)) {
          try {
            const real = path.relative(this.root, fs.realpathSync(path.join(this.root, link)));
            if (!real.startsWith('..')) return { link, real: real.split(path.sep).join('/') };
          } catch {
            // dangling
          }
        }
      }
      if (d === '.' || d === '') return null;
    }
  }

  // natives keeps, whole, every package with an addon that a kept package
  // is or depends on, and the native packages those depend on in turn.
  natives() {
    const queue = [];
    const seen = new Set();
    for (const d of this.pkgDirs) {
      const r = this.real(d);
      if (r && !seen.has(r)) {
        seen.add(r);
        queue.push(r);
      }
    }
    while (queue.length) {
      const dir = /** @type {string} */ (queue.shift());
      if (this.native(dir)) this.keepWhole(dir);
      let pj;
      try {
        pj = JSON.parse(fs.readFileSync(path.join(this.root, dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      const deps = { ...(pj.dependencies || {}), ...(pj.optionalDependencies || {}) };
      for (const dep of Object.keys(deps).sort()) {
        const r = this.resolveDep(dir, dep);
        if (!r || seen.has(r.real)) continue;
        if (!this.native(r.real)) continue;
        seen.add(r.real);
        this.keep.add(r.link);
        queue.push(r.real);
      }
    }
  }

  /**
   * real is rel with the symlinks on its way resolved, relative to root;
   * '' for '' or a path that leaves root or does not exist.
   * @param {string} rel
   */
  real(rel) {
    if (!rel) return '';
    try {
      const r = path.relative(this.root, fs.realpathSync(path.join(this.root, rel))).split(path.sep).join('/');
      return r.startsWith('..') ? '' : r;
    } catch {
      return '';
    }
  }

  /**
   * keepWhole keeps a package's files, but for what only compiling it
   * reads (BUILD_ONLY: C and C++ sources and headers, objects, node-gyp's
   * makefiles and its obj.target and .deps directories): no loader opens
   * those, and re2's were 97 MB beside its 23 MB addon.
   * @param {string} dir
   */
  keepWhole(dir) {
    if (this.whole.includes(dir)) return;
    this.whole.push(dir);
    this.keep.add(`${dir}/package.json`);
    if (!walk(this.root, dir, (rel, st) => {
      const name = path.posix.basename(rel);
      if (st.isDirectory()) return !BUILD_DIRS.has(name);
      if (!BUILD_ONLY.test(name)) this.keep.add(rel);
    })) this.warn(`${dir} holds more than ${MAX_WALK} entries: only the first are kept`);
  }

  // includes keeps what the include: globs match, through symlinks.
  includes() {
    for (const inc of this.input.include || []) {
      const re = new RegExp(inc.regexp);
      let n = 0;
      const base = inc.base === '.' ? '' : inc.base;
      if (base && re.test(base)) {
        this.keep.add(base);
        n++;
      }
      if (!base || (lstat(path.join(this.root, base)) && fs.statSync(path.join(this.root, base)).isDirectory())) {
        const whole = walk(this.root, base, (rel, st) => {
          if (st.isDirectory()) return;
          if (re.test(rel)) {
            this.keep.add(rel);
            n++;
          }
        }, { follow: true });
        if (!whole) this.warn(`include: ${inc.glob} walked ${MAX_WALK} entries and stopped: give it a deeper directory to start from`);
      }
      if (n === 0) this.warn(`include: ${inc.glob} matches no file in the production tree`);
    }
  }

  /**
   * layer is where the untraced image had rel: null for the app's layer,
   * which ships whole.
   * @param {string} rel
   */
  layer(rel) {
    if (lstat(path.join(this.input.app, rel))) return null;
    if (this.input.workspace && lstat(path.join(this.input.workspace, rel))) return 'workspace';
    return 'dependencies';
  }

  /**
   * emit copies rel, following each symlink on the way as node would: the
   * link is kept and so is what it points at.
   * @param {string} rel
   * @param {number} depth links followed so far
   */
  emit(rel, depth = 0) {
    if (depth > 40) return this.warn(`${rel}: too many levels of symbolic links`);
    const parts = rel.split('/').filter((p) => p && p !== '.');
    let cur = '';
    for (let i = 0; i < parts.length; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i];
      if (cur.split('/').includes('..')) return;
      const st = lstat(path.join(this.root, cur));
      if (!st) return;
      if (st.isSymbolicLink()) {
        this.entry(cur, st);
        const target = path.relative(this.root, path.resolve(path.dirname(path.join(this.root, cur)), fs.readlinkSync(path.join(this.root, cur))));
        if (target.startsWith('..') || path.isAbsolute(target)) return;
        const rest = parts.slice(i + 1).join('/');
        return this.emit(rest ? `${target}/${rest}` : target, depth + 1);
      }
      if (i === parts.length - 1) this.entry(cur, st);
    }
  }

  /**
   * entry writes one file, link or directory into its layer's output.
   * @param {string} rel
   * @param {fs.Stats} st
   */
  entry(rel, st) {
    if (this.emitted.has(rel)) return;
    this.emitted.add(rel);
    const layer = this.layer(rel);
    if (!layer) return;
    const out = path.join(this.input.out, layer);
    this.parents(out, rel);
    const dest = path.join(out, rel);
    if (st.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(path.join(this.root, rel)), dest);
      fs.lutimesSync(dest, st.atime, st.mtime);
    } else if (st.isDirectory()) {
      if (!lstat(dest)) {
        fs.mkdirSync(dest, { mode: st.mode & 0o7777 });
        this.dirs.push(dest);
      }
      return;
    } else if (st.isFile()) {
      fs.copyFileSync(path.join(this.root, rel), dest);
      fs.chmodSync(dest, st.mode & 0o7777);
      fs.utimesSync(dest, st.atime, st.mtime);
    } else {
      return;
    }
    this.stats[layer].files++;
    this.stats[layer].bytes += st.size;
  }

  /**
   * parents makes rel's parent directories under out, with the modes they
   * have in the tree.
   * @param {string} out
   * @param {string} rel
   */
  parents(out, rel) {
    const parts = rel.split('/');
    let cur = '';
    for (let i = 0; i < parts.length - 1; i++) {
      cur = cur ? `${cur}/${parts[i]}` : parts[i];
      const dest = path.join(out, cur);
      if (lstat(dest)) continue;
      const st = lstat(path.join(this.root, cur));
      fs.mkdirSync(dest, { mode: st ? st.mode & 0o7777 : 0o755 });
      this.dirs.push(dest);
    }
  }

  // dates gives the directories made the tree's modification times, the
  // deepest first, once nothing more is written into them.
  dates() {
    for (const dest of this.dirs.sort().reverse()) {
      const layer = path.relative(this.input.out, dest).split(path.sep)[0];
      const rel = path.relative(path.join(this.input.out, layer), dest);
      const st = lstat(path.join(this.root, rel));
      if (st) fs.utimesSync(dest, st.atime, st.mtime);
    }
  }

  // total is the untraced tree's files and bytes outside the app's layer.
  total() {
    const t = { files: 0, bytes: 0, whole: true };
    t.whole = walk(this.root, '', (rel, st) => {
      if (st.isDirectory()) return;
      if (lstat(path.join(this.input.app, rel))) return;
      t.files++;
      t.bytes += st.size;
    });
    return t;
  }
}

/**
 * parseJSONC parses a tsconfig: JSON with comments and trailing commas.
 * @param {string} text
 */
function parseJSONC(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      // A comma before a closing bracket is a trailing one.
      if (c === '}' || c === ']') out = out.replace(/,\s*$/, '');
      out += c;
    }
  }
  return JSON.parse(out);
}

/**
 * extendsFile is the file a tsconfig's extends names, from the config's
 * directory, as TypeScript looks it up: a path (with or without .json, or a
 * directory's tsconfig.json), or a package in node_modules up the tree;
 * '' if there is none.
 * @param {string} spec
 * @param {string} dir
 */
function extendsFile(spec, dir) {
  /** @param {string} p */
  const tries = (p) => [p, `${p}.json`, path.join(p, 'tsconfig.json')];
  /** @type {string[]} */
  let candidates = [];
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    candidates = tries(path.resolve(dir, spec));
  } else {
    for (let d = dir; ; d = path.dirname(d)) {
      if (path.basename(d) !== 'node_modules') candidates.push(...tries(path.join(d, 'node_modules', spec)));
      if (path.dirname(d) === d) break;
    }
  }
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // the next
    }
  }
  return '';
}

/** @param {number} n */
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

async function main() {
  /** @type {import('./inputs.js').TraceInput} */
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const t = new Tracer(input);
  await t.trace();
  t.includes();
  if (input.typescript) t.tsconfigs();
  t.packageJSONs();
  t.natives();
  for (const dir of ['dependencies', 'workspace']) fs.mkdirSync(path.join(input.out, dir), { recursive: true });
  for (const rel of [...t.keep].sort()) t.emit(rel);
  t.dates();
  const total = t.total();
  const d = t.stats.dependencies;
  const w = t.stats.workspace;
  const of = total.whole ? '' : 'more than ';
  console.log(`monokit trace: kept ${d.files + w.files} of ${of}${total.files} files, ${mb(d.bytes + w.bytes)} of ${of}${mb(total.bytes)}: third-party ${d.files} files (${mb(d.bytes)}), workspace packages ${w.files} (${mb(w.bytes)}); the app's own files ship whole`);
  if (t.whole.length) console.log(`monokit trace: kept whole for their native addons: ${[...new Set(t.whole.map((d) => packageName(d)))].join(', ')}`);
  if (t.unresolved.length) {
    const shown = t.unresolved.slice(0, MAX_WARNINGS).join(', ');
    const more = t.unresolved.length > MAX_WARNINGS ? `, and ${t.unresolved.length - MAX_WARNINGS} more` : '';
    console.log(`monokit trace: ${t.unresolved.length} specifier(s) the code loads resolve to no file in the production tree, as without tracing (optional modules it tries and catches, most often): ${shown}${more}`);
  }
  for (const w of t.warnings.slice(0, MAX_WARNINGS)) console.log(`monokit trace: note: ${w}`);
  if (t.warnings.length > MAX_WARNINGS) console.log(`monokit trace: note: and ${t.warnings.length - MAX_WARNINGS} more`);
  console.log('monokit trace: a file the app reads at a path no tracer can compute (require of a variable, a file read at a path built at run time) is not in the image: list it under include: in the target');
}

/** @param {string} dir */
function packageName(dir) {
  const parts = dir.split('/');
  const i = parts.lastIndexOf('node_modules');
  return parts.slice(i + 1).join('/');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`monokit trace: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}

module.exports = { bareName, isSource, tsAlternatives, parseJSONC, extendsFile };
