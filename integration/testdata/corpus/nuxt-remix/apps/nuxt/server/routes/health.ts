export default defineEventHandler(() => ({ ok: true, server: "nuxt" }));
