// @ts/contracts is TypeScript source (main → src/index.ts); @ts/hybrid gives
// types from src and code from dist. esbuild compiles the first and bundles the
// second's build output.
import { createServer } from "node:http";
import { service } from "@ts/contracts";
import { schemaVersion } from "@ts/contracts/schema";
import { health } from "@ts/hybrid";
import buildInfo from "@static-data/build-info.json";

const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...health(service), schemaVersion, release: buildInfo.release }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4102);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
