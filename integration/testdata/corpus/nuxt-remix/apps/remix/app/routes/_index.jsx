export default function Index() {
  return <h1>corpus-remix</h1>;
}
