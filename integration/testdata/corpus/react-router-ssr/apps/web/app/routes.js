import { index, route } from "@react-router/dev/routes";

export default [
  index("routes/home.jsx"),
  route("quotes/:n", "routes/quote.jsx"),
  route("health", "routes/health.js"),
];
