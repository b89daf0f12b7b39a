import { createRoot } from "react-dom/client";

function App() {
  return <p>React at {window.location.pathname}</p>;
}

createRoot(document.getElementById("root")).render(<App />);
