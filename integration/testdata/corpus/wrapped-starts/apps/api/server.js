const http = require("node:http");
const ms = require("ms");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", up: ms(Math.round(process.uptime() * 1000)) }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4104);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
