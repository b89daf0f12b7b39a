import { greeting } from "@ss/greeting";
import "./style.css";

const route: string = window.location.pathname;
document.querySelector("#app")!.textContent = `${greeting("web")} at ${route}`;
