const http = require("node:http");
const { region } = require("@p8/settings");
const ms = require("ms");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", region, up: ms(1000) }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4112);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
