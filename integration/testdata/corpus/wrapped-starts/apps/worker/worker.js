// A worker without a port: it ticks until SIGTERM, then stops at once.
const every = Number(process.env.WORKER_INTERVAL_MS);
if (!every) throw new Error("WORKER_INTERVAL_MS is not set");
const timer = setInterval(() => console.log("tick"), every);
process.on("SIGTERM", () => {
  clearInterval(timer);
  process.exit(0);
});
