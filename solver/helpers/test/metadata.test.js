'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tmp, write, input, run } = require('./lib');

test('metadata.js removes the named lifecycle scripts and leaves the rest of package.json as pnpm reads it', (t) => {
  const dir = tmp(t);
  const repo = path.join(dir, 'repo');
  const db = { name: '@pg/db', version: '1.0.0', scripts: { postinstall: 'prisma generate', prepare: 'node sync.js', build: 'tsc' }, dependencies: { a: '1.0.0' } };
  write(path.join(repo, 'packages/db/package.json'), '\uFEFF' + JSON.stringify(db));
  const untouched = JSON.stringify({ name: 'x', scripts: { build: 'tsc' } });
  write(path.join(repo, 'packages/x/package.json'), untouched);
  write(path.join(repo, '.npmrc'), 'auto-install-peers=true\nuse-node-version=20.11.1\n');
  const r = run('metadata.js', [input(dir, 'metadata.json', {
    root: repo,
    settings: [{ file: '.npmrc', line: 2 }],
    manifests: [
      { file: 'packages/db/package.json', remove: ['postinstall', 'prepare', 'preinstall'] },
      { file: 'packages/x/package.json', remove: ['postinstall'] },
    ],
  })]);
  assert.strictEqual(r.status, 0, r.out);
  const got = JSON.parse(fs.readFileSync(path.join(repo, 'packages/db/package.json'), 'utf8'));
  assert.deepStrictEqual(got.scripts, { build: 'tsc' });
  assert.deepStrictEqual(got.dependencies, db.dependencies);
  assert.strictEqual(fs.readFileSync(path.join(repo, 'packages/x/package.json'), 'utf8'), untouched, 'a package.json without those scripts was rewritten');
  assert.match(r.out, /packages\/db\/package.json: postinstall, prepare run outside the install/);
  assert.strictEqual(fs.readFileSync(path.join(repo, '.npmrc'), 'utf8'), 'auto-install-peers=true\n# use-node-version=20.11.1\n');
});
