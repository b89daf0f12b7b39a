// msgpackr uses msgpackr-extract's native addon when it loads and falls back
// to JavaScript otherwise, as queue libraries (bullmq) rely on. For arm64,
// msgpackr-extract 3.0.3's install script finds no usable prebuilt binary and
// fails to compile (no python here): an optional dependency, so a warning.
const http = require("node:http");
const { pack, unpack } = require("msgpackr");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", roundTrip: unpack(pack({ n: 42 })).n }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4117);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
