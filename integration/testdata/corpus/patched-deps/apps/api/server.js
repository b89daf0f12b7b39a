// Answers with what the patched ms says: the patch in patches/ must reach
// the production tree.
const http = require("node:http");
const ms = require("ms");

const server = http.createServer((req, res) => {
  if (req.url !== "/health") {
    res.writeHead(404).end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ patchedBy: ms.patchedBy || null, twoDays: ms("2d") }));
});
server.listen(4122, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
