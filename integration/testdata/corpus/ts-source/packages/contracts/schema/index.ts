// A subpath export at a TypeScript source outside src/ (exports
// "./schema" -> ./schema/index.ts): a directory of sources, not of outputs.
export const schemaVersion: number = 3;
