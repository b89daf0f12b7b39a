export const greeting = (who) => `Hello, ${who}`;
