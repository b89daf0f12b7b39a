// @ts/contracts is TypeScript source (main → src/index.ts); @ts/hybrid gives
// types from src and code from dist. esbuild compiles the first and bundles the
// second's build output.
import { createServer } from "node:http";
import { service } from "@ts/contracts";
import { health } from "@ts/hybrid";

const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(health(service)));
    return;
  }
  res.writeHead(404).end();
});
server.listen(4102);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
