'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const cp = require('node:child_process');
const { tmp, write, input, run, pkg, exists } = require('./lib');

const arm64 = { MONOKIT_TARGET_OS: 'linux', MONOKIT_TARGET_CPU: 'arm64' };

// A traced tree built on linux/x64: sharp with its x64 binary package linked
// from its node_modules, and typescript, which production does not install.
function tracedTree(dir) {
  const tree = path.join(dir, 'tree');
  const store = path.join(tree, 'node_modules', '.pnpm');
  pkg(tree, 'typescript@5.0.0', { name: 'typescript', version: '5.0.0' });
  pkg(tree, 'sharp@1.0.0', { name: 'sharp', version: '1.0.0' });
  pkg(tree, '@img+sharp-linux-x64@1.0.0', { name: '@img/sharp-linux-x64', version: '1.0.0', os: ['linux'], cpu: ['x64'], libc: ['glibc'] });
  const link = path.join(store, 'sharp@1.0.0/node_modules/@img/sharp-linux-x64');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync('../../../@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64', link);
  return { tree, store, link };
}

// tarball packs the arm64 package as the registry would serve it, and its
// integrity as pnpm-lock.yaml records it.
function tarball(dir) {
  const src = path.join(dir, 'src', 'package');
  write(path.join(src, 'package.json'), JSON.stringify({ name: '@img/sharp-linux-arm64', version: '1.0.0', os: ['linux'], cpu: ['arm64'], libc: ['glibc'] }));
  write(path.join(src, 'lib', 'sharp.node'), 'arm64 binary');
  const file = path.join(dir, 'sharp-linux-arm64-1.0.0.tgz');
  cp.execFileSync('tar', ['-czf', file, '-C', path.dirname(src), 'package']);
  return { file, integrity: 'sha512-' + crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64') };
}

const prod = ['sharp@1.0.0', '@img/sharp-linux-x64@1.0.0', '@img/sharp-linux-arm64@1.0.0'];
// The store entries the plan names for them (pnpm.StoreDirName in Go).
const entries = Object.fromEntries(prod.map((k) => [k, [k.replace('/', '+')]]));

test('drops what production does not install and the other platform\'s binary, with no platform packages pinned or none at all (null)', (t) => {
  for (const platform of [[], null]) {
    const dir = tmp(t);
    const { tree, store, link } = tracedTree(dir);
    const { status, out } = run('select-platform.js', [tree, input(dir, 'select.json', { prod, entries, platform })], arm64);
    assert.strictEqual(status, 0, out);
    for (const gone of ['typescript@5.0.0', '@img+sharp-linux-x64@1.0.0']) assert.ok(!exists(path.join(store, gone)), `${gone} is still there\n${out}`);
    assert.ok(!exists(link), out);
    assert.ok(exists(path.join(store, 'sharp@1.0.0/node_modules/sharp/package.json')), `sharp itself was removed\n${out}`);
  }
});

test('the warning names the parent the lockfile pins no target package for', (t) => {
  const dir = tmp(t);
  const { tree } = tracedTree(dir);
  const { status, out } = run('select-platform.js', [tree, input(dir, 'select.json', { prod, entries, platform: [] })], arm64);
  assert.strictEqual(status, 0, out);
  assert.match(out, /dropping typescript@5\.0\.0/);
  assert.match(out, /pins no linux\/arm64 \(glibc\) package among sharp@1\.0\.0/);
});

test('fetches the target\'s package exactly as pinned and links it from its parent', (t) => {
  const dir = tmp(t);
  const { tree, store } = tracedTree(dir);
  const { file, integrity } = tarball(dir);
  const [pinned] = JSON.parse(fs.readFileSync(path.join(__dirname, 'inputs', 'select.json'), 'utf8')).platform;
  const { status, out } = run('select-platform.js', [tree, input(dir, 'select.json', { prod, entries, platform: [{ ...pinned, tarball: file, integrity }] })], arm64);
  assert.strictEqual(status, 0, out);
  const dest = path.join(store, '@img+sharp-linux-arm64@1.0.0/node_modules/@img/sharp-linux-arm64');
  assert.strictEqual(fs.readFileSync(path.join(dest, 'lib/sharp.node'), 'utf8'), 'arm64 binary');
  assert.strictEqual(fs.realpathSync(path.join(store, 'sharp@1.0.0/node_modules/@img/sharp-linux-arm64')), fs.realpathSync(dest));
  assert.match(out, /sharp@1\.0\.0: @img\/sharp-linux-arm64@1\.0\.0 for linux\/arm64/);
});

test('takes the tarball BuildKit fetched, checked all the same, and runs no npm', (t) => {
  const dir = tmp(t);
  const { tree, store } = tracedTree(dir);
  const { file, integrity } = tarball(dir);
  const [pinned] = JSON.parse(fs.readFileSync(path.join(__dirname, 'inputs', 'select.json'), 'utf8')).platform;
  // npm would fail on this URL: only the fetched file can satisfy the script.
  const fetched = { ...pinned, tarball: 'https://registry.invalid/x.tgz', fetched: file, integrity };
  let { status, out } = run('select-platform.js', [tree, input(dir, 'select.json', { prod, entries, platform: [fetched] })], arm64);
  assert.strictEqual(status, 0, out);
  const dest = path.join(store, '@img+sharp-linux-arm64@1.0.0/node_modules/@img/sharp-linux-arm64');
  assert.strictEqual(fs.readFileSync(path.join(dest, 'lib/sharp.node'), 'utf8'), 'arm64 binary');

  const again = tracedTree(path.join(dir, 'again'));
  ({ status, out } = run('select-platform.js', [again.tree, input(dir, 'select.json', { prod, entries, platform: [{ ...fetched, integrity: 'sha512-AAAA' }] })], arm64));
  assert.notStrictEqual(status, 0, out);
  assert.match(out, /does not match pnpm-lock\.yaml's integrity/);
});

test('refuses a tarball whose integrity is not the lockfile\'s', (t) => {
  const dir = tmp(t);
  const { tree, store } = tracedTree(dir);
  const { file } = tarball(dir);
  const [pinned] = JSON.parse(fs.readFileSync(path.join(__dirname, 'inputs', 'select.json'), 'utf8')).platform;
  const { status, out } = run('select-platform.js', [tree, input(dir, 'select.json', { prod, entries, platform: [{ ...pinned, tarball: file }] })], arm64);
  assert.notStrictEqual(status, 0, out);
  assert.match(out, /does not match pnpm-lock\.yaml's integrity \(sha512-AAAA/);
  assert.ok(!exists(path.join(store, '@img+sharp-linux-arm64@1.0.0/node_modules/@img/sharp-linux-arm64/lib')), out);
});
