const http = require("node:http");
const isNumber = require("is-number");
const shared = require("@hp/shared");
// The version the lockfile holds (kleur ^4.0.0 locked at 4.0.0, where 4.1.5
// is the newest in range): a hoisted deploy would resolve it afresh.
const kleurDir = require("node:path").dirname(require.resolve("kleur"));
const kleur = JSON.parse(require("node:fs").readFileSync(`${kleurDir}/package.json`, "utf8")).version;
// has-flag is supports-color's dependency, which the api never declares:
// the hoisted install has it in the root node_modules, and so does the
// image (public-hoist-pattern=*).
const hasFlag = require("has-flag");

const server = http.createServer((req, res) => {
  if (req.url !== "/health") {
    res.writeHead(404).end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ greeting: shared.greeting(), numeric: isNumber("42"), kleur, hasFlag: hasFlag("--x", ["--x"]) }));
});
server.listen(4123, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
