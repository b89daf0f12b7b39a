export const loader = () => Response.json({ ok: true, server: "remix-serve" });
