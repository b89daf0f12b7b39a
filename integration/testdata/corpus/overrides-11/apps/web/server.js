const http = require("node:http");
const { fmt, msVersion } = require("@ov11/fmt");

const versions = {
  ms: msVersion,
  isNumber: require("is-number/package.json").version,
  isOdd: require("is-odd/package.json").version,
};
const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", minute: fmt(60000), ...versions }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4110);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
