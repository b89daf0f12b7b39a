export interface Health {
  status: "ok";
  from: string;
}

export const service: string = "ts-source";
