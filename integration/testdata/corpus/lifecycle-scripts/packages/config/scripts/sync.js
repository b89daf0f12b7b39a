// Reads a file of this package, as real postinstall scripts do: the install,
// which has only package.json files, could not run it.
const fs = require("node:fs");
const path = require("node:path");
const tpl = JSON.parse(fs.readFileSync(path.join(__dirname, "../templates/defaults.json"), "utf8"));
fs.mkdirSync(path.join(__dirname, "../generated"), { recursive: true });
fs.writeFileSync(path.join(__dirname, "../generated/config.json"), JSON.stringify({ config: tpl.source }) + "\n");
