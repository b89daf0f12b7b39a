// libpq compiles from source (it has no prebuilt binaries) and links
// PostgreSQL's libpq.so.5, which the runtime image lacks: pnpm 9 runs the
// install script in pnpm deploy, so loading the addon fails unless monokit
// adds the library and what it links.
const http = require("node:http");
const Libpq = require("libpq");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", pq: typeof new Libpq().connectSync }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4136);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
