import type { Health } from "@ts/contracts";

export function health(from: string): Health {
  return { status: "ok", from };
}
