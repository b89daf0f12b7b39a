const http = require("node:http");
const { stamp, ms } = require("@it/shared");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", ...stamp, second: ms(1000) }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4111);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
