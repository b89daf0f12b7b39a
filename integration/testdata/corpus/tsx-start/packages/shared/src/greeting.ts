import { lang } from "./lang";

export interface Greeting {
  text: string;
  lang: typeof lang;
}

export const greeting: Greeting = { text: "hello from typescript", lang };
