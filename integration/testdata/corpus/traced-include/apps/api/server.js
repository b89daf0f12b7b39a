'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { greet } = require('@ti/greet');

// A module named by a file read at run time, as plugin loaders do: the trace
// cannot see which, so include: keeps it.
const { plugin } = JSON.parse(fs.readFileSync(path.join(__dirname, 'plugins.json'), 'utf8'));
const ms = require(plugin);

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, ms: ms('2h'), greeting: greet('trace') }));
      return;
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(4138, '0.0.0.0');
