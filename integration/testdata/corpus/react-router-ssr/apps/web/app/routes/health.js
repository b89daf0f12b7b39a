export function loader() {
  return Response.json({ ok: true, renderer: "react-router-serve" });
}
