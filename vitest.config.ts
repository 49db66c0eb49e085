import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": import.meta.dirname,
      // `server-only` throws outside React Server Components; tests are server code already.
      "server-only": path.join(import.meta.dirname, "tests/helpers/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // The app's JSON log lines at info level would bury the test report; tests that read the log
    // capture every level themselves (tests/helpers/log-capture.ts).
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
  },
});
