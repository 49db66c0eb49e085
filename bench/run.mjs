// `npm run bench`: every benchmark in this folder, one after another. Speed targets live here, not in tests.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = path.dirname(new URL(import.meta.url).pathname);
for (const file of readdirSync(dir).filter((f) => f.endsWith(".bench.mjs") || f.endsWith(".bench.ts")).sort()) {
  console.log(`\n== ${file}`);
  const runner = file.endsWith(".ts") ? ["npx", ["tsx", path.join(dir, file)]] : [process.execPath, [path.join(dir, file)]];
  execFileSync(runner[0], runner[1], { stdio: "inherit" });
}
