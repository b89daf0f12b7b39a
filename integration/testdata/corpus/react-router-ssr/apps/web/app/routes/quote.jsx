import { quote } from "@rr/quotes";

export function loader({ params }) {
  return { n: Number(params.n), text: quote(Number(params.n)) };
}

export default function Quote({ loaderData }) {
  return <p>{`Quote ${loaderData.n}: ${loaderData.text}`}</p>;
}
