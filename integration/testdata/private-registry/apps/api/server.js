// A dependency fetched from the private registry answers the health route.
const http = require("node:http");
const ms = require("ms");

const server = http.createServer((req, res) => {
  res.end(req.url === "/health" ? `ok ${ms("2 days")}` : "api");
});
server.listen(Number(process.env.PORT || 4120));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
