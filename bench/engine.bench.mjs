// Signal to order (one strategy, no venue latency) and one signal to many strategies (issue 18, targets
// 2 and 4), in process against the Binance simulator, on PostgreSQL when DATABASE_URL is set.
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
try {
  execFileSync("npx", ["vitest", "run", "--config", "bench/vitest.config.ts", "bench/engine-speed.bench.test.ts"], { cwd: root, stdio: "inherit" });
} catch {
  process.exitCode = 1;
}
