export interface Health {
  status: "ok";
  framework: string;
}

export const health = (framework: string): Health => ({ status: "ok", framework });
