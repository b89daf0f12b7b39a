'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp } = require('./lib');
const { entryOwner, overlayPath } = require('../pnpm-store.js');

test('a virtual store entry names its package, scoped or not, whatever its peer suffix', () => {
  assert.deepStrictEqual(entryOwner('sharp@0.34.5'), { name: 'sharp', version: '0.34.5' });
  assert.deepStrictEqual(entryOwner('@img+sharp-linux-x64@0.34.5'), { name: '@img/sharp-linux-x64', version: '0.34.5' });
  assert.deepStrictEqual(entryOwner('@prisma+client@6.1.0_prisma@6.1.0_typescript@5.9.3'), { name: '@prisma/client', version: '6.1.0' });
  assert.deepStrictEqual(entryOwner('next@15.5.6_react-dom@19.2.0_react@19.2.0__react@19.2.0'), { name: 'next', version: '15.5.6' });
  assert.deepStrictEqual(entryOwner('@pg+db@file+packages+db'), { name: '@pg/db', version: 'file+packages+db' });
  assert.strictEqual(entryOwner('node_modules'), null);
  assert.strictEqual(entryOwner('lock.yaml'), null);
});

test('a workspace package\'s copies are found in every deploy layout, a registry namesake never', (t) => {
  const { tmp, pkg } = require('./lib');
  const { workspaceCopies } = require('../pnpm-store.js');
  const tree = require('node:path').join(tmp(t), 'tree');
  const legacy = pkg(tree, '@w+types@file+packages+types', { name: '@w/types' }); // pnpm 10 --legacy
  const injected = pkg(tree, '@w+types@file++++repo+packages+types_react@19.2.1', { name: '@w/types' }); // injected, relative to the deploy dir, with peers
  const pnpm8 = pkg(tree, 'file+packages+left-pad', { name: 'left-pad' }); // lockfile 6
  pkg(tree, 'left-pad@1.3.0', { name: 'left-pad' });
  pkg(tree, '@w+types@file+packages+types-extra', { name: '@w/types' }); // another package's path
  assert.deepStrictEqual(workspaceCopies(tree, '@w/types', 'packages/types').sort(), [injected, legacy].sort());
  assert.deepStrictEqual(workspaceCopies(tree, 'left-pad', 'packages/left-pad'), [pnpm8]);
});

test('a file bound for the tree goes to the overlay at its directory\'s real path, through pnpm\'s links', (t) => {
  const dir = tmp(t);
  const tree = path.join(dir, 'tree');
  const entry = 'node_modules/.pnpm/@x+client@1.0.0/node_modules/@x/client';
  fs.mkdirSync(path.join(tree, entry), { recursive: true });
  fs.mkdirSync(path.join(tree, 'node_modules/@x'));
  fs.symlinkSync('../.pnpm/@x+client@1.0.0/node_modules/@x/client', path.join(tree, 'node_modules/@x/client'));
  fs.symlinkSync(dir, path.join(tree, 'node_modules/outside'));
  const out = path.join(dir, 'overlay');
  // Through the link, and into directories that do not exist yet.
  assert.strictEqual(overlayPath(tree, out, path.join(tree, 'node_modules/@x/client/gen/index.js')), path.join(out, entry, 'gen/index.js'));
  assert.strictEqual(overlayPath(tree, out, path.join(tree, 'node_modules/.prisma/client/index.js')), path.join(out, 'node_modules/.prisma/client/index.js'));
  // A directory whose name starts with two dots is still in the tree.
  fs.mkdirSync(path.join(tree, '..cache'));
  assert.strictEqual(overlayPath(tree, out, path.join(tree, '..cache/x.js')), path.join(out, '..cache/x.js'));
  // A link that leaves the tree: nowhere.
  assert.strictEqual(overlayPath(tree, out, path.join(tree, 'node_modules/outside/x.js')), null);
});
