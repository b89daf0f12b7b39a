// @prisma/client re-exports .prisma/client, which `prisma generate` wrote into
// node_modules: without it, requiring @prisma/client throws.
const http = require("node:http");
const { PrismaClient } = require("@prisma/client");
const { PrismaPg } = require("@prisma/adapter-pg");

const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: "postgresql://nobody@127.0.0.1:1/none" }) });

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", job: typeof db.job.findMany }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4116);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
