#!/usr/bin/env node
// A build tool that is itself a workspace package, reached through a
// devDependency's bin: copies src to dist and stamps it.
const fs = require("node:fs");
fs.cpSync("src", "dist", { recursive: true });
fs.writeFileSync("dist/stamp.json", JSON.stringify({ builtBy: "@it/build-tool" }));
