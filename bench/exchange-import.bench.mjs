// Import cost of ccxt in a fresh process: one exchange class by path (what the app does) vs the whole
// library. Serverless functions pay this on every cold start.
import { execFileSync } from "node:child_process";

const runs = Number(process.env.BENCH_RUNS ?? 5);
const script = (what) => `
const t0 = performance.now();
${what}
process.stdout.write(String(performance.now() - t0));`;
const one = script(`const { createRequire } = await import("node:module");
const path = await import("node:path");
const { pathToFileURL } = await import("node:url");
const root = path.resolve(path.dirname(createRequire(import.meta.url).resolve("ccxt")), "..");
await import(pathToFileURL(path.join(root, "js", "src", "binance.js")).href);`);
const all = script(`await import("ccxt");`);

function measure(code) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" })));
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)].toFixed(0), min: times[0].toFixed(0) };
}

const single = measure(one);
const whole = measure(all);
console.log(`ccxt binance class only : median ${single.median} ms (min ${single.min})`);
console.log(`ccxt whole library      : median ${whole.median} ms (min ${whole.min})`);
