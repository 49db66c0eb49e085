export async function register() {
  // Node.js only (the edge runtime compiles this file too, without the branch): fail fast at start-up,
  // naming the variable at fault, instead of on the first request.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("@/lib/startup");
    await startServer();
  }
}
