const http = require("node:http");
const top = require("@many/lib-29");
const eight = require("@many/lib-08");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", top: top.name, depth: top.depth, padded: eight.padded, local: eight.local }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4106);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
