// The root's postinstall, which pnpm runs in every install that includes the
// root: a script file of the repository, as real monorepos have them (a
// codegen step, a clone of optional sources). The install must have it.
import { readFileSync } from "node:fs";

const { name } = JSON.parse(readFileSync("package.json", "utf8"));
console.log(`postinstall of ${name}: ran with its script file`);
