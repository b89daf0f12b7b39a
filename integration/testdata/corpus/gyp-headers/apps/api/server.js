// tiny-addon's build/Release/tiny.node exists only if node-gyp compiled it.
const http = require("node:http");
const tiny = require("tiny-addon");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, answer: tiny.answer() }));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(4121, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
