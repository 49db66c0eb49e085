// The dashboard pages with 200 strategies and 50,000 orders for one trader (p50 <= 300 ms).
// The work is in TypeScript behind `server-only`, so it runs under tsx with the react-server condition.
import { spawnSync } from "node:child_process";
import path from "node:path";

const dir = path.dirname(new URL(import.meta.url).pathname);
const run = spawnSync("npx", ["tsx", "--conditions=react-server", path.join(dir, "pages.ts")], { stdio: "inherit", cwd: path.join(dir, "..") });
if (run.status !== 0) process.exitCode = run.status ?? 1;
