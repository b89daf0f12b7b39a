import { greeting } from "@ss/greeting";

document.querySelector("#app").textContent = greeting("admin");
