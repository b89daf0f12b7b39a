import { greeting } from "@nx/greeting";

export default function Page() {
  return <p>{greeting("the site")}</p>;
}
