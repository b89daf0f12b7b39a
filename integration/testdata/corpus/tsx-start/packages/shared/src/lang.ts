export const lang = "ts" as const;
