// Writes src/banner.json from a file of this package, for the build.
const fs = require("node:fs");
const text = fs.readFileSync(__dirname + "/banner.txt", "utf8").trim();
fs.writeFileSync(__dirname + "/../src/banner.json", JSON.stringify({ banner: text }) + "\n");
