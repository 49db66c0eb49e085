export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Fail fast at startup, naming the variable at fault, instead of on the first request.
  const { env } = await import("@/lib/env");
  const config = env();
  if (config.NODE_ENV === "development" || config.INPROCESS_CRON) {
    const { startInProcessCron } = await import("@/lib/engine/scheduler");
    startInProcessCron();
  }
}
