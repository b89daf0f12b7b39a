const fs = require("node:fs");
fs.mkdirSync(__dirname + "/dist", { recursive: true });
fs.copyFileSync(__dirname + "/src/server.js", __dirname + "/dist/server.js");
fs.copyFileSync(__dirname + "/src/banner.json", __dirname + "/dist/banner.json");
