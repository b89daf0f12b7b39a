const http = require("node:http");
const isNumber = require("is-number");
const shared = require("@hp/shared");

const server = http.createServer((req, res) => {
  if (req.url !== "/health") {
    res.writeHead(404).end();
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ greeting: shared.greeting(), numeric: isNumber("42") }));
});
server.listen(4123, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
