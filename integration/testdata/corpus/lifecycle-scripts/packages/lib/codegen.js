// Writes src/version.js, which the build copies: turbo.json runs it first.
const fs = require("node:fs");
const { version } = require("./package.json");
fs.writeFileSync(__dirname + "/src/version.js", `module.exports = ${JSON.stringify("lib-" + version)};\n`);
