export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Fail fast at startup, naming the variable at fault, instead of on the first request.
  const { env } = await import("@/lib/env");
  env();
}
