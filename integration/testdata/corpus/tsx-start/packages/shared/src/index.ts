export interface Greeting {
  text: string;
  lang: "ts";
}

export const greeting: Greeting = { text: "hello from typescript", lang: "ts" };
