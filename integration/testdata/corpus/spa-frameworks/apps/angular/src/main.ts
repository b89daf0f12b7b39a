import { Component } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";

@Component({
  selector: "app-root",
  template: `<p>Angular at {{ path }}</p>`,
})
class App {
  path = window.location.pathname;
}

bootstrapApplication(App).catch((err) => console.error(err));
