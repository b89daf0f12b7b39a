'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp } = require('./lib');
const { overlayPath } = require('../pnpm-store.js');

test('a workspace package\'s copies are found in every deploy layout, a registry namesake never', (t) => {
  const { tmp, pkg } = require('./lib');
  const { workspaceCopies } = require('../pnpm-store.js');
  const tree = require('node:path').join(tmp(t), 'tree');
  const legacy = pkg(tree, '@w+types@file+packages+types', { name: '@w/types' }); // pnpm 10 --legacy
  const injected = pkg(tree, '@w+types@file++++repo+packages+types_react@19.2.1', { name: '@w/types' }); // injected, relative to the deploy dir, with peers
  const pnpm8 = pkg(tree, 'file+packages+left-pad', { name: 'left-pad' }); // lockfile 6
  pkg(tree, 'left-pad@1.3.0', { name: 'left-pad' });
  pkg(tree, '@w+types@file+packages+types-extra', { name: '@w/types' }); // another package's path
  assert.deepStrictEqual(workspaceCopies(tree, { name: '@w/types', dir: 'packages/types', storeName: '@w+types', storePath: 'packages+types' }).sort(), [injected, legacy].sort());
  assert.deepStrictEqual(workspaceCopies(tree, { name: 'left-pad', dir: 'packages/left-pad', storeName: 'left-pad', storePath: 'packages+left-pad' }), [pnpm8]);
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
