// The resolutions override pins is-number@6, which the lockfile's importer
// records instead of package.json's ^7.0.0.
const http = require("node:http");
const isNumber = require("is-number");
const { parity } = require("@ov/util");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: isNumber(3), parity: parity(3), isNumber: require("is-number/package.json").version }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.PORT || 3000));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
