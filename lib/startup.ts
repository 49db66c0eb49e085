import "server-only";
import { env, EnvError } from "@/lib/env";

/** Node.js start-up: fail fast on a bad configuration, then start the in-process scheduler where wanted. */
export async function startServer() {
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
