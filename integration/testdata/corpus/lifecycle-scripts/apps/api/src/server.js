const http = require("node:http");
const { config } = require("@lc/config");
const { version } = require("@lc/lib");
const { banner } = require("./banner.json");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", config, version, banner }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4118);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
