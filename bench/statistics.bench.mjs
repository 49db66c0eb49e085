// The Statistics page's queries with 50,000 fills in the ledger: target under 1 s (median of a few runs).
// The work is in TypeScript behind `server-only`, so it runs under tsx with the react-server condition.
// BENCH_DATABASE_URL (or DATABASE_URL)=postgres://… measures on PostgreSQL (a scratch database beside it),
// where the target applies; PGlite otherwise, for information.
import { spawnSync } from "node:child_process";
import path from "node:path";

const dir = path.dirname(new URL(import.meta.url).pathname);
const run = spawnSync("npx", ["tsx", "--conditions=react-server", path.join(dir, "statistics-report.ts")], { stdio: "inherit", cwd: path.join(dir, "..") });
if (run.status !== 0) process.exitCode = run.status ?? 1;
