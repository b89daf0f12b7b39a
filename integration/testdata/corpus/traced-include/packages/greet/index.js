'use strict';
const fs = require('node:fs');
const path = require('node:path');

// Read at a path the trace computes from __dirname, so it ships.
const template = fs.readFileSync(path.join(__dirname, 'data', 'greeting.txt'), 'utf8').trim();

exports.greet = (who) => template.replace('{who}', who);
