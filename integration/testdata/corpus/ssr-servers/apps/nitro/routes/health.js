import { health } from "@sr/msg";

export default () => health("nitro");
