// Writes dist/index.js from src/greeting.txt: the build must see the real
// directory's files at the package's path.
const fs = require("node:fs");
const text = fs.readFileSync("src/greeting.txt", "utf8").trim();
fs.mkdirSync("dist", { recursive: true });
fs.writeFileSync("dist/index.js", `exports.greeting = () => ${JSON.stringify(text + ", built")};\n`);
