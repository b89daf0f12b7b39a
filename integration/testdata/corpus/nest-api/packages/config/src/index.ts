export const port: number = 4108;
export const service = "nest-api";
