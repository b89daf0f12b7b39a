// Express 5, compiled with tsc -b through a project reference to a workspace
// package; started with an environment prefix and a node flag.
import express from "express";
import { health } from "@ex/models";

const app = express();
app.get("/health", (_req, res) => {
  res.json({ ...health("express"), env: process.env.NODE_ENV });
});
const server = app.listen(4114);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
