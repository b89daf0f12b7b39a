// Imported by a package subpath with no extension (@tsx/shared/src/version),
// which tsx resolves to this file: nothing else reaches it.
export const version: string = "1";
