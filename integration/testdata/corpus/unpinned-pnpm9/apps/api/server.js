// gen's lib.js exists only if its install script ran.
const http = require("node:http");
const gen = require("gen");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, gen }));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(4119, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
