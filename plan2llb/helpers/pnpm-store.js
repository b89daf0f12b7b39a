// monokit: what select-platform.js and generated.js share about pnpm's
// virtual store (node_modules/.pnpm), written beside them.
'use strict';

// entryOwner is the package a node_modules/.pnpm entry is for: the name and
// version its directory name starts with (@scope+name@1.2.3_peers…), or null.
function entryOwner(entry) {
  const m = /^(@[^+@]+\+)?([^@+]+)@([^_]+)/.exec(entry);
  if (!m) return null;
  return { name: (m[1] ? m[1].slice(0, -1) + '/' : '') + m[2], version: m[3] };
}

module.exports = { entryOwner };
