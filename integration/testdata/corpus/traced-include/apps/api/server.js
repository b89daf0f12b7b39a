'use strict';
const http = require('node:http');
const { greet } = require('@ti/greet');

// A module named at run time: the trace cannot see which, include: keeps it.
const name = ['m', 's'].join('');
const ms = require(name);

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
