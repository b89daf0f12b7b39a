// better-sqlite3 compiles from source here (its prebuilt binaries are GitHub
// downloads), and so does libpq, pg-native's addon, which links PostgreSQL's
// libpq.so.5: the runtime image lacks it (and what it links) until monokit
// adds them, so loading pg-native fails without. bcrypt ships prebuilt
// binaries inside its npm package.
const http = require("node:http");
const Database = require("better-sqlite3");
const bcrypt = require("bcrypt");
const PgNative = require("pg-native");

const db = new Database(":memory:");
db.exec("create table t (v text)");
db.prepare("insert into t values (?)").run("from sqlite");
const hash = bcrypt.hashSync("secret", 4);

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", sqlite: db.prepare("select v from t").get().v, bcrypt: bcrypt.compareSync("secret", hash), pg: typeof new PgNative().connect }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4107);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
