// The signal webhook under 50, 150 and 300 new events a second against the bare route in the same run.
// The work is in TypeScript behind `server-only`, so it runs under tsx with the react-server condition.
import { spawnSync } from "node:child_process";
import path from "node:path";

const dir = path.dirname(new URL(import.meta.url).pathname);
const run = spawnSync("npx", ["tsx", "--conditions=react-server", path.join(dir, "webhook-burst.ts")], { stdio: "inherit", cwd: path.join(dir, "..") });
if (run.status !== 0) process.exitCode = run.status ?? 1;
