// Started by `nest start` in package.json, which monokit reads as NestJS's
// dist/main.js.
import "reflect-metadata";
import { Controller, Get, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { port, service } from "@ns/config";

@Controller()
class HealthController {
  @Get("health")
  health() {
    return { status: "ok", service };
  }
}

@Module({ controllers: [HealthController] })
class AppModule {}

async function main() {
  const app = await NestFactory.create(AppModule, { logger: ["error", "warn"] });
  app.enableShutdownHooks();
  await app.listen(port);
}
main();
