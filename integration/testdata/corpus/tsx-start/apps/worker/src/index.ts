import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { greeting, type Greeting } from "@tsx/shared";
import { healthPath } from "routes";
import { version } from "@tsx/shared/src/version";

// What the build wrote, beside the sources tsx runs.
const stamp: { built: string } = JSON.parse(readFileSync(new URL("../dist/stamp.json", import.meta.url), "utf8"));

const body = (g: Greeting): string => JSON.stringify({ ok: true, ...g, ...stamp, version });

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === healthPath) {
    res.setHeader("content-type", "application/json");
    res.end(body(greeting));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(4120, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
