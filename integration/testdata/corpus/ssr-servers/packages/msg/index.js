export const health = (server) => ({ ok: true, server });
