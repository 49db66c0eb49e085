/**
 * The production server for a bench: `scripts/e2e-server.sh` (the last build, built first if there is
 * none) on a scratch PostgreSQL database named `dbName`, with the exchange simulator on port + 1. The whole
 * process group is stopped when the bench exits.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startAppServer({ port, databaseUrl, dbName, env }: { port: number; databaseUrl: string; dbName: string; env: Record<string, string> }) {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("no production build: building it first");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const app = spawn("bash", ["scripts/e2e-server.sh"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, E2E_DB_NAME: dbName, E2E_PORT: String(port), E2E_SIMULATOR_PORT: String(port + 1), LOG_LEVEL: "warn", PAPER_PRICE_FEED: "simulated", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-app.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("exit", stop);
  let exited = false;
  app.on("exit", () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    stop,
    async untilHealthy() {
      for (let i = 0; i < 240 && !exited; i++) {
        if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
        await sleep(500);
      }
      throw new Error(exited ? "the server stopped (see its output above)" : "the server did not come up in 120 s");
    },
  };
}
