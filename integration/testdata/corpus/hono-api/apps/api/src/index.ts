// Hono on Node.js: the routes come from a workspace package whose types point
// at its TypeScript source and whose code is its build output (a hybrid).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { health } from "@hn/routes";

const app = new Hono().route("/health", health);
const server = serve({ fetch: app.fetch, port: 4109 });
process.on("SIGTERM", () => server.close(() => process.exit(0)));
