// Uses the client generated into the database package. The client connects
// lazily, so the health route needs no database: it shows the generated model.
const http = require("node:http");
const { createClient } = require("@pg/database");

const db = createClient("postgresql://nobody@127.0.0.1:1/none");

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", item: typeof db.item.findMany }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4115);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
