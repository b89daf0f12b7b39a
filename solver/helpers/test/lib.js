// Shared by the helper scripts' node:test tests: fixture trees in a temporary
// directory, inputs from inputs/ (what the planner's Go types marshal, kept
// equal by plan2llb's TestHelperInputs), and a run of a script as the stage
// runs it.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cp = require('node:child_process');

// tmp is a directory removed after the test.
function tmp(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monokit-helper-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

// input writes the named input, with fields replaced, into dir.
function input(dir, name, fields) {
  const data = { ...JSON.parse(fs.readFileSync(path.join(__dirname, 'inputs', name), 'utf8')), ...fields };
  const file = path.join(dir, name);
  write(file, JSON.stringify(data));
  return file;
}

// run runs a helper script with the node running the tests.
function run(script, args, env = {}) {
  const res = cp.spawnSync(process.execPath, [path.join(__dirname, '..', script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: res.status, out: res.stdout + res.stderr };
}

// pkg writes a package into a pnpm store entry of tree and returns its dir.
function pkg(tree, entry, manifest) {
  const dir = path.join(tree, 'node_modules', '.pnpm', entry, 'node_modules', manifest.name);
  write(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

const exists = (p) => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

module.exports = { tmp, write, input, run, pkg, exists };
