'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp, write, input, run, exists } = require('./lib');

test('collect keeps what changed after the marker; place lays it onto a deployed tree with other peer suffixes', (t) => {
  const dir = tmp(t);
  const repo = path.join(dir, 'repo');
  const client = 'node_modules/.pnpm/@x+client@1.0.0_prisma@2.0.0_typescript@5.0.0/node_modules';
  write(path.join(repo, client, '@x/client/package.json'), JSON.stringify({ name: '@x/client', version: '1.0.0' }));
  write(path.join(repo, 'packages/db/package.json'), JSON.stringify({ name: '@pg/db' }));
  const marker = path.join(dir, 'marker');
  write(marker, '');
  const old = new Date(Date.now() - 3600e3);
  for (const p of [path.join(repo, client, '@x/client/package.json'), path.join(repo, 'packages/db/package.json')]) fs.utimesSync(p, old, old);
  // What the generate commands write.
  for (const p of [client + '/.x/client/index.js', 'packages/db/generated/index.js', 'apps/api/src/generated.ts', 'tools/stray.txt']) write(path.join(repo, p), 'generated ' + p);

  const gen = path.join(dir, 'gen');
  // A build output, which the stage's build writes again after: left out.
  write(path.join(repo, 'packages/db/dist/index.js'), 'a build output');
  let r = run('generated.js', ['collect', input(dir, 'collect.json', { since: marker, root: repo, dest: gen, skip: [path.join(repo, 'packages/db/dist')] })]);
  assert.strictEqual(r.status, 0, r.out);
  assert.match(r.out, /wrote 4 file\(s\)/);
  assert.ok(!exists(path.join(gen, repo, client, '@x/client/package.json')), 'collect kept a file older than the marker');
  assert.ok(!exists(path.join(gen, repo, 'packages/db/dist/index.js')), 'collect kept a skipped build output');

  const tree = path.join(dir, 'tree');
  const deployed = 'node_modules/.pnpm/@x+client@1.0.0_prisma@2.0.0/node_modules';
  write(path.join(tree, deployed, '@x/client/package.json'), JSON.stringify({ name: '@x/client', version: '1.0.0' }));
  const db = 'node_modules/.pnpm/@pg+db@file+packages+db/node_modules/@pg/db';
  write(path.join(tree, db, 'package.json'), JSON.stringify({ name: '@pg/db', version: '1.0.0' }));
  // inputs/generated.json: the app is apps/api, and @pg/db lives in packages/db.
  const overlay = path.join(dir, 'overlay');
  r = run('generated.js', ['place', input(dir, 'generated.json', { generated: [path.join(dir, 'none'), path.join(gen, repo)], tree, out: overlay, entries: { '@x/client@1.0.0': ['@x+client@1.0.0_prisma@2.0.0_typescript@5.0.0'] } })]);
  assert.strictEqual(r.status, 0, r.out);
  for (const p of [deployed + '/.x/client/index.js', db + '/generated/index.js']) {
    assert.ok(exists(path.join(overlay, p)), `${p} not placed\n${r.out}`);
    assert.ok(!exists(path.join(tree, p)), `${p} written into the tree`);
  }
  assert.match(r.out, /placed 2 generated file\(s\)/);
  assert.match(r.out, /warning: 1 generated file\(s\) belong to nothing/);
  assert.match(r.out, /tools\/stray\.txt/);
});
