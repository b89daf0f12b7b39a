// A shared package that wraps a native module, as real monorepos' database
// packages do: the app loads better-sqlite3 through it.
declare function require(id: string): any;
const Database = require("better-sqlite3");

export interface Store {
  put(value: string): void;
  first(): string;
}

export function openStore(): Store {
  const db = new Database(":memory:");
  db.exec("create table t (v text)");
  return {
    put: (value) => db.prepare("insert into t values (?)").run(value),
    first: () => db.prepare("select v from t").get().v,
  };
}
