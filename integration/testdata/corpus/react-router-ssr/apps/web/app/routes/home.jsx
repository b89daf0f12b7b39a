export default function Home() {
  return <h1>corpus-react-router-ssr</h1>;
}
