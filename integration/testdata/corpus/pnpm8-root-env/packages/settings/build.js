// Reads the root .env.build (through dotenv, as real builds do) and bakes it in.
const fs = require("node:fs");
if (!process.env.SETTINGS_REGION) throw new Error("SETTINGS_REGION is not set: ../../.env.build was not read");
fs.mkdirSync("dist", { recursive: true });
fs.writeFileSync("dist/index.js", `exports.region = ${JSON.stringify(process.env.SETTINGS_REGION)};\n`);
