// better-sqlite3 (through the workspace package @native/db), cpu-features and
// libpq (pg-native's addon) compile from source here: their prebuilt binaries
// are GitHub downloads, or there are none. libpq links PostgreSQL's
// libpq.so.5: the runtime image lacks it (and what it links) until monokit
// adds them, so loading pg-native fails without. bcrypt ships prebuilt
// binaries inside its npm package.
const http = require("node:http");
const { openStore } = require("@native/db");
const bcrypt = require("bcrypt");
const cpu = require("cpu-features");
const PgNative = require("pg-native");

const store = openStore();
store.put("from sqlite");
const hash = bcrypt.hashSync("secret", 4);
const arch = cpu().arch;

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", sqlite: store.first(), bcrypt: bcrypt.compareSync("secret", hash), pg: typeof new PgNative().connect, cpu: typeof arch }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4107);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
