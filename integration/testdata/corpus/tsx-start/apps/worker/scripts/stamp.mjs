// The build: writes what the TypeScript start reads beside its sources.
import { mkdirSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
writeFileSync("dist/stamp.json", JSON.stringify({ built: "by the build" }));
