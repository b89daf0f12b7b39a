// Relative imports as TypeScript writes them: ./greeting.js is greeting.ts
// (NodeNext), and greeting.ts imports ./lang with no extension (tsx finds
// lang.ts). A traced image must follow both.
export { greeting } from "./greeting.js";
export type { Greeting } from "./greeting.js";
