const http = require("node:http");
const lib = require("@sl/lib");

const server = http.createServer((req, res) => {
  if (req.url !== "/health") {
    res.writeHead(404).end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ greeting: lib.greeting() }));
});
server.listen(4137, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
