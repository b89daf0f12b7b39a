const http = require("node:http");
const { release, uptime } = require("@rw/kit");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", release: release(), uptime: uptime() }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4103);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
