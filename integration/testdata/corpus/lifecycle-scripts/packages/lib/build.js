const fs = require("node:fs");
fs.mkdirSync(__dirname + "/dist", { recursive: true });
for (const f of ["index.js", "version.js"]) fs.copyFileSync(`${__dirname}/src/${f}`, `${__dirname}/dist/${f}`);
