// Every library's build: the root-level script its package.json runs with
// ../../scripts/build.mjs, declared in monokit.yaml inputs. It copies src to
// dist and records the package's name.
import { cpSync, readFileSync, writeFileSync } from "node:fs";

const { name } = JSON.parse(readFileSync("package.json", "utf8"));
cpSync("src", "dist", { recursive: true });
writeFileSync("dist/name.json", JSON.stringify({ name }));
