// Like some real builds: point package.json at the build output, then build.
// Only dist ships (files), so the production tree needs the rewritten file.
// RELEASE is a build argument (monokit.yaml args).
const fs = require("node:fs");
const pj = JSON.parse(fs.readFileSync("package.json", "utf8"));
pj.main = "./dist/index.js";
fs.writeFileSync("package.json", JSON.stringify(pj, null, 2) + "\n");
fs.mkdirSync("dist", { recursive: true });
fs.copyFileSync("src/index.js", "dist/index.js");
fs.writeFileSync("dist/release.json", JSON.stringify({ release: process.env.RELEASE ?? "unset" }));
