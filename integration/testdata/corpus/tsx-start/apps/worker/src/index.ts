import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { greeting, type Greeting } from "@tsx/shared";

const body = (g: Greeting): string => JSON.stringify({ ok: true, ...g });

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === "/health") {
    res.setHeader("content-type", "application/json");
    res.end(body(greeting));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(4120, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
