import { health } from "@sr/msg";

export const GET = () => Response.json(health("sveltekit"));
