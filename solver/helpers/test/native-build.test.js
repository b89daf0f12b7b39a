'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const cp = require('node:child_process');
const { tmp, write, input, run, pkg, exists } = require('./lib');

const has = (cmd) => cp.spawnSync('/bin/sh', ['-c', `command -v ${cmd}`]).status === 0;

test('a failing install script fails the stage unless only optional dependencies reach its package', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const ok = pkg(tree, 'ok-addon@1.0.0', { name: 'ok-addon', version: '1.0.0', scripts: { install: 'echo built > built.txt' } });
  pkg(tree, 'broken-addon@1.0.0', { name: 'broken-addon', version: '1.0.0', scripts: { install: 'exit 3' } });
  const all = ['broken-addon@1.0.0', 'ok-addon@1.0.0'];
  const none = { libs: '', runtime: '' };

  let r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, ...none, packages: all, optional: [] })]);
  assert.notStrictEqual(r.status, 0, r.out);
  assert.match(r.out, /the install script of broken-addon@1\.0\.0 failed/);

  r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, ...none, packages: all })]); // inputs/native.json: broken-addon is optional
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /warning: the install script of broken-addon@1\.0\.0 failed/);
  assert.match(r.out, /ran 1 install script\(s\)/);
  assert.ok(exists(path.join(ok, 'built.txt')), r.out);

  // No packages named: every package with an install script.
  r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, ...none, packages: null })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /ran 1 install script\(s\)/);
});

test('copies the libraries an addon links that the runtime lacks, and fails only for an addon a script wrote', (t) => {
  const ssl = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu'].map((d) => path.join(d, 'libssl.so.3')).find((f) => fs.existsSync(f));
  if (!has('ldd') || !ssl) return t.skip('needs ldd and libssl.so.3 on the host to stand in for an addon');
  const dir = tmp(t);
  const triplet = path.basename(path.dirname(ssl));
  // The runtime has libc only, on a merged /usr.
  const runtime = path.join(dir, 'runtime');
  write(path.join(runtime, 'usr/lib', triplet, 'libc.so.6'), '');
  fs.symlinkSync('usr/lib', path.join(runtime, 'lib'));
  const tree = path.join(dir, 'tree');
  const addon = pkg(tree, 'tls-addon@1.0.0', { name: 'tls-addon', version: '1.0.0' });
  write(path.join(addon, 'build/Release/tls.node'), fs.readFileSync(ssl));
  const libs = path.join(dir, 'out/libs');
  const go = () => run('native-build.js', [tree, input(dir, 'native.json', { ran: false, packages: ['tls-addon@1.0.0'], optional: [], libs, runtime })]);

  let r = go();
  assert.strictEqual(r.status, 0, r.out);
  assert.ok(exists(path.join(libs, 'usr/lib', triplet, 'libcrypto.so.3')), `libcrypto.so.3 not added\n${r.out}`);
  assert.ok(!exists(path.join(libs, 'usr/lib', triplet, 'libc.so.6')), `libc.so.6 added although the runtime has it\n${r.out}`);
  assert.match(r.out, /tls-addon\/build\/Release\/tls\.node links libcrypto\.so\.3/);

  if (!has('gcc')) return t.skip('needs gcc to link an addon against a library that then disappears');
  // An addon linking a library that exists nowhere once it is built.
  const build = path.join(dir, 'gcc');
  write(path.join(build, 'gone.c'), 'int gone(void) { return 1; }\n');
  write(path.join(build, 'addon.c'), 'int gone(void);\nint addon(void) { return gone(); }\n');
  cp.execFileSync('gcc', ['-shared', '-fPIC', '-o', path.join(build, 'libgone.so.1'), '-Wl,-soname,libgone.so.1', path.join(build, 'gone.c')]);
  cp.execFileSync('gcc', ['-shared', '-fPIC', '-o', path.join(addon, 'build/Release/gone.node'), path.join(build, 'addon.c'), path.join(build, 'libgone.so.1')]);
  // Shipped by the package (no script wrote it): a warning.
  r = go();
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /warning: tls-addon\/build\/Release\/gone\.node links libgone\.so\.1/);
  // Written by an install script here: the stage fails, naming the library
  // and what to do.
  fs.renameSync(path.join(addon, 'build/Release/gone.node'), path.join(addon, 'gone.bin'));
  write(path.join(addon, 'package.json'), JSON.stringify({ name: 'tls-addon', version: '1.0.0', scripts: { install: 'cp gone.bin build/Release/gone.node' } }));
  r = go();
  assert.notStrictEqual(r.status, 0, r.out);
  assert.match(r.out, /libgone\.so\.1/);
  assert.match(r.out, /system-packages/);

  // Copied from the install on its platform: an addon the tree already had
  // (shipped by the package) stays a warning; one only the install's scripts
  // wrote fails, as if compiled here.
  const store = path.join(dir, 'built/node_modules/.pnpm');
  const src = path.join(store, path.relative(path.join(tree, 'node_modules/.pnpm'), addon));
  fs.cpSync(addon, src, { recursive: true });
  const copy = () => run('native-build.js', [tree, input(dir, 'native.json', { ran: false, packages: ['tls-addon@1.0.0'], optional: [], libs, runtime, built: store })]);
  r = copy();
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /copied 1 package\(s\)/);
  assert.match(r.out, /warning: tls-addon\/build\/Release\/gone\.node links libgone\.so\.1/);
  fs.copyFileSync(path.join(src, 'build/Release/gone.node'), path.join(src, 'build/Release/compiled.node'));
  r = copy();
  assert.notStrictEqual(r.status, 0, r.out);
  assert.match(r.out, /compiled\.node links libgone\.so\.1/);
});

test('on the install\'s platform, packages the install built are copied, not built again', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const built = path.join(dir, 'built');
  const manifest = (name) => ({ name, version: '1.0.0', scripts: { install: 'echo here > out.txt' } });
  const copied = pkg(tree, 'ok-addon@1.0.0', manifest('ok-addon'));
  const ranHere = pkg(tree, 'broken-addon@1.0.0', { ...manifest('broken-addon'), scripts: { install: 'echo here > out.txt' } });
  // The install's store: ok-addon built, with what its script wrote beside it
  // and a link to a dependency; broken-addon is not in it.
  const src = pkg(built, 'ok-addon@1.0.0', manifest('ok-addon'));
  write(path.join(src, 'out.txt'), 'by the install\n');
  write(path.join(src, 'build/Release/addon.node'), 'compiled');
  write(path.join(path.dirname(src), '.generated/client.js'), 'generated');
  fs.symlinkSync('../../dep@1.0.0/node_modules/dep', path.join(path.dirname(src), 'dep'));
  const store = path.join(built, 'node_modules', '.pnpm');

  const r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, libs: '', runtime: '', built: store, packages: ['broken-addon@1.0.0', 'ok-addon@1.0.0'] })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /ok-addon@1\.0\.0: built by the install on .*, copied/);
  assert.match(r.out, /ran 1 install script\(s\)/);
  assert.match(r.out, /copied 1 package\(s\)/);
  assert.strictEqual(fs.readFileSync(path.join(copied, 'out.txt'), 'utf8'), 'by the install\n');
  assert.ok(exists(path.join(copied, 'build/Release/addon.node')), r.out);
  assert.ok(exists(path.join(path.dirname(copied), '.generated/client.js')), 'what the script wrote beside the package was not copied');
  assert.ok(!exists(path.join(path.dirname(copied), 'dep')), 'a link to a dependency came from the install instead of the tree');
  assert.strictEqual(fs.readFileSync(path.join(ranHere, 'out.txt'), 'utf8'), 'here\n');

  // Another platform: no install mounted, every script runs.
  const again = path.join(dir, 'tree2');
  pkg(again, 'ok-addon@1.0.0', manifest('ok-addon'));
  const r2 = run('native-build.js', [again, input(dir, 'native.json', { ran: false, libs: '', runtime: '', built: path.join(dir, 'absent'), packages: ['ok-addon@1.0.0'] })]);
  assert.strictEqual(r2.status, 0, r2.out);
  assert.match(r2.out, /ran 1 install script\(s\)/);
  assert.doesNotMatch(r2.out, /copied/);
});

test('reads only the store entries the plan names for the wanted packages, and every entry when one is in none of them', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const none = { libs: '', runtime: '', optional: [] };
  const scoped = pkg(tree, '@scope+addon@2.0.0_react@19.0.0', { name: '@scope/addon', version: '2.0.0', scripts: { install: 'echo built > built.txt' } });
  // An entry not named for it that holds the same package is not read.
  const decoy = pkg(tree, 'decoy@1.0.0', { name: '@scope/addon', version: '2.0.0', scripts: { install: 'echo built > built.txt' } });

  let r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, ...none, packages: ['@scope/addon@2.0.0'], entries: { '@scope/addon@2.0.0': ['@scope+addon@2.0.0_react@19.0.0'] } })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /@scope\/addon@2\.0\.0 install/);
  assert.match(r.out, /ran 1 install script\(s\)/);
  assert.ok(exists(path.join(scoped, 'built.txt')), r.out);
  assert.ok(!exists(path.join(decoy, 'built.txt')), 'an entry named for another package was read');

  // An entry the plan named otherwise (a tarball's): found by reading every manifest.
  const odd = pkg(tree, 'odd@https+++example.com+odd-1.0.0.tgz', { name: 'odd', version: '1.0.0', scripts: { install: 'echo built > built.txt' } });
  r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, ...none, packages: ['odd@1.0.0'], entries: { 'odd@1.0.0': ['odd@1.0.0'] } })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.ok(exists(path.join(odd, 'built.txt')), r.out);
  assert.doesNotMatch(r.out, /not installed/);
});

test('a file: dependency is the package in the entry the plan names for its lockfile key, whatever its version says', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const key = 'tiny-addon@file:vendor/tiny-addon-1.0.0.tgz';
  const entry = 'tiny-addon@file+vendor+tiny-addon-1.0.0.tgz';
  const addon = pkg(tree, entry, { name: 'tiny-addon', version: '1.0.0', scripts: { install: 'echo built > built.txt' } });
  const r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, libs: '', runtime: '', optional: [], packages: [key], entries: { [key]: [entry] } })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /tiny-addon@file:vendor\/tiny-addon-1\.0\.0\.tgz install/);
  assert.ok(exists(path.join(addon, 'built.txt')), r.out);
  assert.doesNotMatch(r.out, /not installed/);
});

test('after a pnpm deploy that ran the scripts (pnpm before 10.14), no script runs again', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  // Its script would fail the stage if it ran.
  pkg(tree, 'built-addon@1.0.0', { name: 'built-addon', version: '1.0.0', scripts: { install: 'exit 3' } });
  const r = run('native-build.js', [tree, input(dir, 'native.json', { packages: ['built-addon@1.0.0'], optional: [], libs: '', runtime: '' })]); // inputs/native.json: ran
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /pnpm deploy ran the install scripts/);
  assert.match(r.out, /ran 0 install script\(s\)/);
  assert.doesNotMatch(r.out, /not installed/);
});

test("node-gyp's intermediate files are removed from a package it built; the addon stays", (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const script = 'mkdir -p build/Release/obj.target/addon build/Release/.deps && echo o > build/Release/obj.target/addon/a.o && echo elf > build/Release/obj.target/addon.node && echo d > build/Release/.deps/a.d && echo elf > build/Release/addon.node';
  const addon = pkg(tree, 'gyp-addon@1.0.0', { name: 'gyp-addon', version: '1.0.0', scripts: { install: script } });
  const r = run('native-build.js', [tree, input(dir, 'native.json', { ran: false, libs: '', runtime: '', packages: ['gyp-addon@1.0.0'], optional: [] })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.ok(exists(path.join(addon, 'build/Release/addon.node')), r.out);
  assert.ok(!exists(path.join(addon, 'build/Release/obj.target')), r.out);
  assert.ok(!exists(path.join(addon, 'build/Release/.deps')), r.out);
  assert.match(r.out, /gyp-addon@1\.0\.0: removed node-gyp's intermediate files \(0\.0 MB\)/);
});
