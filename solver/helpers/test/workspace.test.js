'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp, write, input, run, pkg, exists } = require('./lib');

test('writes each workspace package\'s packed files for every copy of it in the tree, keeping the deployed package.json, and leaves the tree as it is', (t) => {
  const dir = tmp(t);
  // npm-packlist's interface: ({path}) => the package's files. This one
  // packs what its package.json's files field lists, and package.json.
  const packlist = path.join(dir, 'packlist.js');
  write(packlist, `module.exports = async ({ path: p }) => {
    const fs = require('fs'), path = require('path');
    const pj = JSON.parse(fs.readFileSync(path.join(p, 'package.json'), 'utf8'));
    const out = ['package.json'];
    const walk = (rel) => { const abs = path.join(p, rel); if (fs.statSync(abs).isDirectory()) for (const e of fs.readdirSync(abs)) walk(path.join(rel, e)); else out.push(rel); };
    for (const f of pj.files || []) if (fs.existsSync(path.join(p, f))) walk(f);
    return out;
  };`);
  const root = path.join(dir, 'repo');
  write(path.join(root, 'packages/types/package.json'), JSON.stringify({ name: '@w/types', version: '1.0.0', files: ['dist'] }));
  write(path.join(root, 'packages/types/dist/index.js'), 'exports.v = 1;');
  write(path.join(root, 'packages/types/src/index.ts'), 'export const v = 1;');
  const tree = path.join(dir, 'tree');
  // pnpm deploy from the install alone: the package as its package.json,
  // which pnpm rewrote.
  const copy = pkg(tree, '@w+types@file+packages+types', { name: '@w/types', version: '1.0.0', files: ['dist'], deployed: true });
  const overlay = path.join(dir, 'overlay');
  const { status, out } = run('workspace.js', [input(dir, 'workspace.json', { tree, out: overlay, root, packlist, packages: [{ name: '@w/types', dir: 'packages/types', storeName: '@w+types', storePath: 'packages+types' }, { name: '@w/gone', dir: 'packages/gone', storeName: '@w+gone', storePath: 'packages+gone' }] })]);
  assert.strictEqual(status, 0, out);
  const laid = path.join(overlay, path.relative(tree, copy));
  assert.strictEqual(fs.readFileSync(path.join(laid, 'dist/index.js'), 'utf8'), 'exports.v = 1;');
  assert.ok(!exists(path.join(laid, 'src')), 'a file outside the package\'s files field was copied');
  assert.ok(!exists(path.join(laid, 'package.json')), 'the deployed package.json was replaced');
  assert.deepStrictEqual(fs.readdirSync(copy), ['package.json'], 'the tree was written');
  assert.match(out, /@w\/types: 1 file\(s\) into 1 copy/);
  assert.match(out, /warning: pnpm deploy put no copy of @w\/gone/);
});

test('a registry package of the same name is left alone, and a build that rewrites package.json ships the rewritten one', (t) => {
  const dir = tmp(t);
  const packlist = path.join(dir, 'packlist.js');
  write(packlist, `module.exports = async () => ['package.json', 'index.js'];`);
  const root = path.join(dir, 'repo');
  write(path.join(root, 'packages/left-pad/package.json'), JSON.stringify({ name: 'left-pad', version: '1.0.0', main: 'index.js' }));
  write(path.join(root, 'packages/left-pad/index.js'), 'module.exports = "workspace";');
  const tree = path.join(dir, 'tree');
  const registry = pkg(tree, 'left-pad@1.3.0', { name: 'left-pad', version: '1.3.0' });
  write(path.join(registry, 'index.js'), 'module.exports = function leftPad() {};');
  const ours = pkg(tree, 'left-pad@file+packages+left-pad', { name: 'left-pad', version: '1.0.0', main: 'src/index.js' });
  const overlay = path.join(dir, 'overlay');
  const { status, out } = run('workspace.js', [input(dir, 'workspace.json', { tree, out: overlay, root, packlist, packages: [{ name: 'left-pad', dir: 'packages/left-pad', storeName: 'left-pad', storePath: 'packages+left-pad', manifest: true }] })]);
  assert.strictEqual(status, 0, out);
  assert.ok(!exists(path.join(overlay, path.relative(tree, registry))), 'the registry package was overwritten');
  const laid = path.join(overlay, path.relative(tree, ours));
  assert.strictEqual(fs.readFileSync(path.join(laid, 'index.js'), 'utf8'), 'module.exports = "workspace";');
  assert.strictEqual(JSON.parse(fs.readFileSync(path.join(laid, 'package.json'), 'utf8')).main, 'index.js', 'the built package.json was not shipped');
});

test('warns about imports of packages that the package does not declare and its copy in the tree cannot resolve, with file and line', (t) => {
  const dir = tmp(t);
  const packlist = path.join(dir, 'packlist.js');
  write(packlist, `module.exports = async () => ['package.json', 'index.js', 'lib/csv.ts', 'types.d.ts', 'lib/csv.test.ts', '__tests__/a.js', 'vitest.config.ts'];`);
  const root = path.join(dir, 'repo');
  write(path.join(root, 'packages/shared/package.json'), JSON.stringify({ name: '@w/shared', version: '1.0.0', dependencies: { '@w/declared': '1.0.0' }, peerDependencies: { react: '*' }, devDependencies: { 'dev-only': '1.0.0' } }));
  write(path.join(root, 'packages/shared/index.js'), [
    "const fs = require('fs'); const p = require('node:path');",
    "const d = require('@w/declared/sub'); const r = require('react');",
    "const self = require('@w/shared/lib'); const rel = require('./lib/csv');",
    "// const c = require('commented-out');",
    "const h = require('hoisted-in-tree');",
    "module.exports = () => import('@scope/phantom/deep');",
    "const dev = require(\"dev-only\");",
  ].join('\n'));
  write(path.join(root, 'packages/shared/lib/csv.ts'), "import type { X } from 'types-only';\nimport { parse } from 'csv-parse/sync';\nexport { parse };\n");
  write(path.join(root, 'packages/shared/types.d.ts'), "import 'declared-in-types';\n");
  // Tests and tools' configs import devDependencies by design.
  for (const f of ['lib/csv.test.ts', '__tests__/a.js', 'vitest.config.ts']) write(path.join(root, 'packages/shared', f), "import { test } from 'vitest';\n");
  const tree = path.join(dir, 'tree');
  pkg(tree, '@w+shared@file+packages+shared', { name: '@w/shared', version: '1.0.0' });
  write(path.join(tree, 'node_modules/hoisted-in-tree/package.json'), '{"name":"hoisted-in-tree"}');
  const { status, out } = run('workspace.js', [input(dir, 'workspace.json', { tree, out: path.join(dir, 'overlay'), root, packlist, packages: [{ name: '@w/shared', dir: 'packages/shared', storeName: '@w+shared', storePath: 'packages+shared' }] })]);
  assert.strictEqual(status, 0, out);
  const warned = [...out.matchAll(/monokit: warning: (\S+) imports "([^"]+)", which @w\/shared (does not declare|lists only in devDependencies)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  assert.deepStrictEqual(warned, [
    'packages/shared/index.js:6 @scope/phantom does not declare',
    'packages/shared/index.js:7 dev-only lists only in devDependencies',
    'packages/shared/lib/csv.ts:2 csv-parse does not declare',
  ]);
  assert.match(out, /Declare it in packages\/shared\/package\.json's dependencies/);
});

test('a start through a dependency\'s bin links the bin\'s JavaScript file, as pnpm finds it, and names a missing one', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const serve = pkg(tree, '@react-router+serve@8.5.3', { name: '@react-router/serve', version: '8.5.3', bin: { 'react-router-serve': 'bin.js' } });
  write(path.join(serve, 'bin.js'), '#!/usr/bin/env node\n');
  fs.mkdirSync(path.join(tree, 'node_modules/@react-router'), { recursive: true });
  fs.symlinkSync(path.relative(path.join(tree, 'node_modules/@react-router'), serve), path.join(tree, 'node_modules/@react-router/serve'));
  pkg(tree, 'isbot@5.1.0', { name: 'isbot', version: '5.1.0' });
  const overlay = path.join(dir, 'overlay');
  const bins = [{ name: 'react-router-serve', deps: ['isbot', 'react-router', '@react-router/serve'], link: 'node_modules/.monokit/bin/react-router-serve' }];
  let { status, out } = run('workspace.js', [input(dir, 'workspace.json', { tree, out: overlay, packages: [], bins })]);
  assert.strictEqual(status, 0, out);
  const link = path.join(overlay, 'node_modules/.monokit/bin/react-router-serve');
  assert.strictEqual(fs.readlinkSync(link), '../../@react-router/serve/bin.js');
  // Where the runtime lays the overlay, the link reaches the file.
  fs.mkdirSync(path.join(tree, 'node_modules/.monokit/bin'), { recursive: true });
  fs.symlinkSync(fs.readlinkSync(link), path.join(tree, 'node_modules/.monokit/bin/react-router-serve'));
  assert.strictEqual(fs.readFileSync(path.join(tree, 'node_modules/.monokit/bin/react-router-serve'), 'utf8'), '#!/usr/bin/env node\n');
  assert.match(out, /start: node node_modules\/\.monokit\/bin\/react-router-serve, @react-router\/serve's bin react-router-serve \(bin\.js\)/);

  ({ status, out } = run('workspace.js', [input(dir, 'workspace.json', { tree, out: path.join(dir, 'overlay2'), packages: [], bins: [{ name: 'remix-serve', deps: ['@react-router/serve'], link: 'node_modules/.monokit/bin/remix-serve' }] })]));
  assert.notStrictEqual(status, 0);
  assert.match(out, /runs remix-serve, and none of the app's dependencies \(@react-router\/serve\) has a bin of that name/);
});
