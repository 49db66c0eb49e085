export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Fail fast at startup, naming the variable at fault, instead of on the first request.
  const { env, EnvError } = await import("@/lib/env");
  let config;
  try {
    config = env();
  } catch (error) {
    // Next.js would log this and keep serving 500s: a production server with a bad configuration stops.
    if (error instanceof EnvError && process.env.NODE_ENV === "production") {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.NODE_ENV === "development" || config.INPROCESS_CRON) {
    const { startInProcessCron } = await import("@/lib/engine/scheduler");
    startInProcessCron();
  }
}
