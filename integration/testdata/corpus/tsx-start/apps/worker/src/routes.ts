export const healthPath: string = "/health";
