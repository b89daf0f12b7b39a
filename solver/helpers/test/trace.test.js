'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp, write, input, run, exists } = require('./lib');
const { bareName, isSource, tsAlternatives, parseJSONC, extendsFile } = require('../trace.js');

// tracer writes a module with nft's interface that reports files as traced
// (relative to the base), as nodeFileTrace does; the real one runs in the
// integration tests' builds.
function tracer(dir, files, warnings = []) {
  const file = path.join(dir, 'nft.js');
  write(file, `exports.nodeFileTrace = async (entries, opts) => {
    require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'called.json'))}, JSON.stringify({ entries, base: opts.base }));
    return { fileList: new Set(${JSON.stringify(files)}), warnings: new Set(${JSON.stringify(warnings)}.map((m) => new Error(m))) };
  };`);
  return file;
}

// tree lays out a pnpm-deployed tree in root: app's dist (in the app layer
// too), express linked from the virtual store, an unused package, a native
// package (sharp with its platform package), and a workspace package whose
// files are in the workspace layer.
function tree(dir) {
  const root = path.join(dir, 'root');
  const app = path.join(dir, 'layers/app');
  const ws = path.join(dir, 'layers/workspace');
  const both = (rel, data, layer) => {
    write(path.join(root, rel), data);
    if (layer) write(path.join(layer, rel), data);
  };
  both('package.json', '{"name":"api"}');
  both('dist/main.js', "require('express')", app);
  const store = 'node_modules/.pnpm';
  both(`${store}/express@5.0.0/node_modules/express/package.json`, '{"name":"express","dependencies":{"sharp":"1"}}');
  both(`${store}/express@5.0.0/node_modules/express/index.js`, 'module.exports = 1');
  both(`${store}/express@5.0.0/node_modules/express/README.md`, 'docs');
  both(`${store}/typescript@5.0.0/node_modules/typescript/package.json`, '{"name":"typescript"}');
  both(`${store}/typescript@5.0.0/node_modules/typescript/lib/tsc.js`, 'x'.repeat(1000));
  both(`${store}/sharp@1.0.0/node_modules/sharp/package.json`, '{"name":"sharp","optionalDependencies":{"@img/sharp-linux-x64":"1","@esbuild/linux-x64":"1"}}');
  both(`${store}/@esbuild+linux-x64@1.0.0/node_modules/@esbuild/linux-x64/package.json`, '{"name":"@esbuild/linux-x64","os":["linux"],"cpu":["x64"]}');
  both(`${store}/@esbuild+linux-x64@1.0.0/node_modules/@esbuild/linux-x64/bin/esbuild`, 'ELF');
  both(`${store}/sharp@1.0.0/node_modules/sharp/lib/index.js`, '');
  both(`${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/package.json`, '{"name":"@img/sharp-linux-x64"}');
  both(`${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/lib/sharp.node`, 'ELF');
  fs.chmodSync(path.join(root, `${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/lib/sharp.node`), 0o755);
  // What compiling it read and wrote besides its addon.
  both(`${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/src/sharp.cc`, 'int x;');
  both(`${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/build/Release/obj.target/sharp.node`, 'ELF');
  both(`${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/build/Makefile`, 'all:');
  both(`${store}/file+packages+db/node_modules/@w/db/package.json`, '{"name":"@w/db"}');
  both(`${store}/file+packages+db/node_modules/@w/db/dist/index.js`, 'db', ws);
  both(`${store}/file+packages+db/node_modules/@w/db/src/index.ts`, 'db', ws);
  const link = (rel, target) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.symlinkSync(target, path.join(root, rel));
  };
  link('node_modules/express', '.pnpm/express@5.0.0/node_modules/express');
  link('node_modules/@w/db', '../.pnpm/file+packages+db/node_modules/@w/db');
  link(`${store}/express@5.0.0/node_modules/sharp`, '../../sharp@1.0.0/node_modules/sharp');
  link(`${store}/sharp@1.0.0/node_modules/@esbuild/linux-x64`, '../../../@esbuild+linux-x64@1.0.0/node_modules/@esbuild/linux-x64');
  link(`${store}/sharp@1.0.0/node_modules/@img/sharp-linux-x64`, '../../../@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64');
  both('templates/mail/welcome.html', 'hi');
  both('.env', 'A=1');
  return { root, app, ws };
}

test('keeps what the trace found, by layer, with links, package.json files and native packages whole', (t) => {
  const dir = tmp(t);
  const { root, app, ws } = tree(dir);
  const store = 'node_modules/.pnpm';
  const mtime = new Date('2020-01-02T03:04:05Z');
  fs.utimesSync(path.join(root, `${store}/express@5.0.0/node_modules/express/index.js`), mtime, mtime);
  const nft = tracer(dir, [
    'dist/main.js',
    'node_modules/express',
    `${store}/express@5.0.0/node_modules/express/index.js`,
    `${store}/express@5.0.0/node_modules/sharp`,
    `${store}/sharp@1.0.0/node_modules/sharp/lib/index.js`,
    'node_modules/@w/db',
    `${store}/file+packages+db/node_modules/@w/db/dist/index.js`,
  ]);
  const out = path.join(dir, 'out');
  const { status, out: log } = run('trace.js', [input(dir, 'trace.json', { root, app, workspace: ws, out, nft, entries: ['dist/main.js'], modules: [], files: ['.env'], include: [{ glob: 'templates/**', base: 'templates', regexp: '^templates/.*$' }] })]);
  assert.strictEqual(status, 0, log);
  const called = JSON.parse(fs.readFileSync(path.join(dir, 'called.json'), 'utf8'));
  assert.deepStrictEqual(called, { entries: [path.join(root, 'dist/main.js')], base: root });
  const deps = path.join(out, 'dependencies');
  const wsOut = path.join(out, 'workspace');
  // Traced, in the dependencies layer, with their package.json.
  assert.ok(exists(path.join(deps, `${store}/express@5.0.0/node_modules/express/index.js`)));
  assert.ok(exists(path.join(deps, `${store}/express@5.0.0/node_modules/express/package.json`)));
  assert.ok(exists(path.join(deps, 'package.json')), "the app's package.json (from pnpm deploy) is its entry's nearest");
  assert.strictEqual(fs.readlinkSync(path.join(deps, 'node_modules/express')), '.pnpm/express@5.0.0/node_modules/express');
  // Untraced files are gone.
  assert.ok(!exists(path.join(deps, `${store}/express@5.0.0/node_modules/express/README.md`)));
  assert.ok(!exists(path.join(deps, `${store}/typescript@5.0.0`)));
  // A native package a kept package depends on: whole, with its link, mode kept.
  const addon = path.join(deps, `${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64/lib/sharp.node`);
  assert.ok(exists(addon));
  assert.strictEqual(fs.statSync(addon).mode & 0o777, 0o755);
  assert.ok(exists(path.join(deps, `${store}/sharp@1.0.0/node_modules/@img/sharp-linux-x64`)));
  // but not its sources and build intermediates.
  for (const f of ['src/sharp.cc', 'build/Release/obj.target', 'build/Makefile']) {
    assert.ok(!exists(path.join(deps, `${store}/@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64`, f)), f);
  }
  // A package for some platforms only (os, cpu), loaded by a computed name: whole too.
  assert.ok(exists(path.join(deps, `${store}/@esbuild+linux-x64@1.0.0/node_modules/@esbuild/linux-x64/bin/esbuild`)));
  assert.match(log, /kept whole for their native addons: (?=.*@img\/sharp-linux-x64)(?=.*@esbuild\/linux-x64)/);
  // The workspace package's traced file goes to the workspace layer; its
  // package.json, which pnpm deploy wrote, stays in the dependencies one.
  assert.ok(exists(path.join(wsOut, `${store}/file+packages+db/node_modules/@w/db/dist/index.js`)));
  assert.ok(!exists(path.join(wsOut, `${store}/file+packages+db/node_modules/@w/db/src/index.ts`)));
  assert.ok(exists(path.join(deps, `${store}/file+packages+db/node_modules/@w/db/package.json`)));
  // The app's own files ship whole in its layer: none is copied.
  assert.ok(!exists(path.join(deps, 'dist')) && !exists(path.join(wsOut, 'dist')));
  // node's --env-file and the include: glob.
  assert.ok(exists(path.join(deps, '.env')));
  assert.ok(exists(path.join(deps, 'templates/mail/welcome.html')));
  // Modification times are the tree's, so an unchanged result makes the same layer.
  assert.strictEqual(fs.statSync(path.join(deps, `${store}/express@5.0.0/node_modules/express/index.js`)).mtime.getTime(), mtime.getTime());
  assert.match(log, /monokit trace: kept \d+ of \d+ files/);
});

test('says what it could not keep: a missing start file, an include that matches nothing, the tracer\'s warnings', (t) => {
  const dir = tmp(t);
  const { root, app, ws } = tree(dir);
  const nft = tracer(dir, [], ['Failed to resolve dependency "class-validator":', 'Failed to parse /x/LICENSE as script:', 'Failed to resolve dependency "node:fs":']);
  const { status, out: log } = run('trace.js', [input(dir, 'trace.json', { root, app, workspace: ws, out: path.join(dir, 'out'), nft, entries: ['dist/missing.js'], modules: ['no-such-module/register'], files: [], include: [{ glob: 'views/**', base: 'views', regexp: '^views/.*$' }] })]);
  assert.strictEqual(status, 0, log);
  assert.match(log, /the start file dist\/missing\.js is not in the image/);
  assert.match(log, /node preloads no-such-module\/register, which does not resolve/);
  assert.match(log, /include: views\/\*\* matches no file/);
  assert.match(log, /1 specifier\(s\) the code loads resolve to no file in the production tree.*: class-validator\n/);
  assert.doesNotMatch(log, /LICENSE|node:fs/);
  assert.match(log, /list it under include: in the target/);
});

test('bareName', () => {
  assert.strictEqual(bareName('dotenv/config'), 'dotenv');
  assert.strictEqual(bareName('@otel/sdk/register'), '@otel/sdk');
  assert.strictEqual(bareName('./setup.js'), '');
  assert.strictEqual(bareName('node:fs'), '');
});

test('an app that runs its TypeScript sources: types stripped before the tracer reads them, TypeScript resolution, the loader kept whole', async (t) => {
  const dir = tmp(t);
  const { root, app, ws } = tree(dir);
  const store = 'node_modules/.pnpm';
  const both = (rel, data, layer) => {
    write(path.join(root, rel), data);
    if (layer) write(path.join(layer, rel), data);
  };
  both('src/index.ts', "import { greet } from './greet.js';", app);
  both('src/greet.ts', 'export const greet = 1;', app);
  both('src/types.d.ts', 'export type T = 1;', app);
  both(`${store}/tsx@4.0.0/node_modules/tsx/package.json`, '{"name":"tsx"}');
  both(`${store}/tsx@4.0.0/node_modules/tsx/dist/loader.mjs`, '');
  both(`${store}/tsx@4.0.0/node_modules/tsx/README.md`, 'docs');
  fs.symlinkSync('.pnpm/tsx@4.0.0/node_modules/tsx', path.join(root, 'node_modules/tsx'));
  // The stand-in tracer reads each entry through opts.readFile and
  // resolves ./greet.js from src/index.ts through opts.resolve, with a
  // resolve of its own that finds only files that exist as named.
  const nft = path.join(dir, 'nft.js');
  write(nft, `const fs = require('fs'), path = require('path');
  exports.resolve = async (spec, parent) => {
    const p = path.resolve(path.dirname(parent), spec);
    if (!fs.existsSync(p)) throw new Error('not found: ' + spec);
    return p;
  };
  exports.nodeFileTrace = async (entries, opts) => {
    const read = {};
    for (const e of entries) read[path.relative(opts.base, e)] = await opts.readFile(e);
    const greet = await opts.resolve('./greet.js', path.join(opts.base, 'src/index.ts'), {}, false);
    let missing = '';
    try { await opts.resolve('./nope.js', path.join(opts.base, 'src/index.ts'), {}, false); } catch (err) { missing = err.message; }
    fs.writeFileSync(${JSON.stringify(path.join(dir, 'called.json'))}, JSON.stringify({ read, greet: path.relative(opts.base, greet), missing, absent: await opts.readFile(path.join(opts.base, 'nope.ts')) }));
    return { fileList: new Set(['src/index.ts']), warnings: new Set() };
  };`);
  // The stand-in esbuild marks what it transformed, with the options it got.
  const esbuild = path.join(dir, 'esbuild.js');
  write(esbuild, `exports.transform = async (src, o) => {
    if (src.includes('BAD')) throw new Error('Expected ";"');
    return { code: '/*' + o.loader + ' verbatim=' + o.tsconfigRaw.compilerOptions.verbatimModuleSyntax + '*/' + src };
  };`);
  both('src/bad.ts', 'BAD', app);
  // tsx reads tsconfig.json where node starts, and what it extends: a
  // workspace package's config (through its link), which extends a
  // package's; one extends a file that is not there.
  both('tsconfig.json', '{\n  // tsx reads baseUrl\n  "extends": "@w/tsconfig/node.json",\n  "compilerOptions": { "baseUrl": "." },\n}', app);
  both(`${store}/file+tooling/node_modules/@w/tsconfig/node.json`, '{ "extends": ["@tsconfig/node22/tsconfig.json", "./missing.json"] }', ws);
  both(`${store}/file+tooling/node_modules/@w/tsconfig/base.json`, '{}', ws);
  both(`${store}/@tsconfig+node22@22.0.0/node_modules/@tsconfig/node22/tsconfig.json`, '{ /* */ "compilerOptions": {} }');
  fs.mkdirSync(path.join(root, 'node_modules/@tsconfig'), { recursive: true });
  fs.symlinkSync('../.pnpm/file+tooling/node_modules/@w/tsconfig', path.join(root, 'node_modules/@w/tsconfig'));
  fs.symlinkSync('../.pnpm/@tsconfig+node22@22.0.0/node_modules/@tsconfig/node22', path.join(root, 'node_modules/@tsconfig/node22'));
  const out = path.join(dir, 'out');
  const { status, out: log } = run('trace.js', [input(dir, 'trace.json', { root, app, workspace: ws, out, nft, esbuild, typescript: true, entries: ['src/index.ts'], modules: ['tsx'], files: [] })]);
  assert.strictEqual(status, 0, log);
  const called = JSON.parse(fs.readFileSync(path.join(dir, 'called.json'), 'utf8'));
  // Every TypeScript file of the app is an entry, stripped; declaration files are not.
  assert.strictEqual(called.read['src/index.ts'], "/*ts verbatim=true*/import { greet } from './greet.js';");
  assert.strictEqual(called.read['src/greet.ts'], '/*ts verbatim=true*/export const greet = 1;');
  assert.ok(!('src/types.d.ts' in called.read));
  // A file esbuild cannot strip reaches the tracer as it is, with a note.
  assert.strictEqual(called.read['src/bad.ts'], 'BAD');
  assert.match(log, /src\/bad\.ts: esbuild cannot strip its types \(Expected ";"\)/);
  // The loader's code files are entries, read untouched.
  assert.strictEqual(called.read[`${store}/tsx@4.0.0/node_modules/tsx/dist/loader.mjs`], '');
  // ./greet.js is greet.ts, as TypeScript resolves it; a specifier with no
  // file either way fails as it did.
  assert.strictEqual(called.greet, 'src/greet.ts');
  assert.match(called.missing, /not found: \.\/nope\.js/);
  assert.strictEqual(called.absent, null);
  // The preloaded loader is kept whole, with its link.
  const deps = path.join(out, 'dependencies');
  assert.ok(exists(path.join(deps, `${store}/tsx@4.0.0/node_modules/tsx/README.md`)));
  assert.strictEqual(fs.readlinkSync(path.join(deps, 'node_modules/tsx')), '.pnpm/tsx@4.0.0/node_modules/tsx');
  // The tsconfig chain: the workspace package's config in its layer, the
  // package's in the dependencies one; a config nothing extends is not kept.
  assert.ok(exists(path.join(out, 'workspace', `${store}/file+tooling/node_modules/@w/tsconfig/node.json`)));
  assert.ok(!exists(path.join(out, 'workspace', `${store}/file+tooling/node_modules/@w/tsconfig/base.json`)));
  assert.ok(exists(path.join(deps, `${store}/@tsconfig+node22@22.0.0/node_modules/@tsconfig/node22/tsconfig.json`)));
  assert.strictEqual(fs.readlinkSync(path.join(deps, 'node_modules/@w/tsconfig')), '../.pnpm/file+tooling/node_modules/@w/tsconfig');
  assert.match(log, /node\.json extends \.\/missing\.json, which is not in the production tree/);
});

test('parseJSONC and extendsFile', (t) => {
  assert.deepStrictEqual(parseJSONC('{\n // c\n "a": "x//y/*z*/", /* b */ "b": [1,2,],\n "c": "q\\"",\n}'), { a: 'x//y/*z*/', b: [1, 2], c: 'q"' });
  assert.throws(() => parseJSONC('{"a": }'));
  const dir = tmp(t);
  write(path.join(dir, 'configs/base.json'), '{}');
  write(path.join(dir, 'configs/dir/tsconfig.json'), '{}');
  write(path.join(dir, 'node_modules/@tsconfig/node22/tsconfig.json'), '{}');
  write(path.join(dir, 'node_modules/@w/tsconfig/node.json'), '{}');
  const app = path.join(dir, 'apps/api');
  fs.mkdirSync(app, { recursive: true });
  assert.strictEqual(extendsFile('../../configs/base', app), path.join(dir, 'configs/base.json'));
  assert.strictEqual(extendsFile('../../configs/base.json', app), path.join(dir, 'configs/base.json'));
  assert.strictEqual(extendsFile('../../configs/dir', app), path.join(dir, 'configs/dir/tsconfig.json'));
  assert.strictEqual(extendsFile('@tsconfig/node22', app), path.join(dir, 'node_modules/@tsconfig/node22/tsconfig.json'));
  assert.strictEqual(extendsFile('@w/tsconfig/node.json', app), path.join(dir, 'node_modules/@w/tsconfig/node.json'));
  assert.strictEqual(extendsFile('@w/tsconfig/none.json', app), '');
});

test('isSource and tsAlternatives', () => {
  assert.ok(isSource('dist/main.js') && isSource('a.mjs') && isSource('a.cjs'));
  assert.ok(!isSource('src/main.ts'), 'TypeScript only when the app runs its sources');
  assert.ok(isSource('src/main.ts', true) && isSource('a.mts', true) && isSource('a.cts', true) && isSource('a.tsx', true));
  assert.ok(!isSource('src/env.d.ts', true) && !isSource('a.d.mts', true) && !isSource('README.md', true));
  assert.deepStrictEqual(tsAlternatives('./util.js'), ['./util.ts', './util.tsx']);
  assert.deepStrictEqual(tsAlternatives('../a/b.mjs'), ['../a/b.mts']);
  assert.deepStrictEqual(tsAlternatives('./b.cjs'), ['./b.cts']);
  assert.deepStrictEqual(tsAlternatives('./view.jsx'), ['./view.tsx']);
  assert.deepStrictEqual(tsAlternatives('./lib/'), ['./lib.ts', './lib.tsx', './lib.mts', './lib.cts', './lib/index.ts', './lib/index.tsx']);
  assert.deepStrictEqual(tsAlternatives('./a.ts'), []);
  assert.deepStrictEqual(tsAlternatives('express'), [], 'a package resolves as node resolves it');
  assert.deepStrictEqual(tsAlternatives('@scope/pkg'), []);
  assert.deepStrictEqual(tsAlternatives('@w/shared/config'), ['@w/shared/config.ts', '@w/shared/config.tsx', '@w/shared/config.mts', '@w/shared/config.cts', '@w/shared/config/index.ts', '@w/shared/config/index.tsx']);
  assert.deepStrictEqual(tsAlternatives('pkg/lib/a.js'), ['pkg/lib/a.ts', 'pkg/lib/a.tsx']);
  assert.deepStrictEqual(tsAlternatives('node:fs'), []);
  assert.deepStrictEqual(tsAlternatives('#internal'), []);
});
