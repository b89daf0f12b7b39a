export default function Page() {
  return <p>www</p>;
}
