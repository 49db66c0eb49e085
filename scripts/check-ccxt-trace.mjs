// After `next build`: the files traced for a route that trades (what Vercel packs into its function, and
// what the standalone output copies) are enough to load each venue's ccxt class, away from the project's
// own node_modules. ccxt's exchange files are loaded by path, which tracing cannot follow by itself.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const route = path.join(root, ".next/server/app/api/cron/drain/route.js");
const trace = `${route}.nft.json`;
if (!existsSync(trace)) {
  console.error(`No trace at ${path.relative(root, trace)}: run next build first.`);
  process.exit(1);
}
const files = JSON.parse(readFileSync(trace, "utf8")).files.map((f) => path.resolve(path.dirname(route), f));
const shipped = files.filter((f) => f.startsWith(path.join(root, "node_modules") + path.sep));
const target = mkdtempSync(path.join(tmpdir(), "ccxt-trace-"));
try {
  for (const file of shipped) {
    if (existsSync(file)) cpSync(file, path.join(target, path.relative(root, file)), { dereference: true });
  }
  for (const venue of ["binance", "bybit", "okx", "bitget"]) {
    const file = path.join(target, "node_modules/ccxt/js/src", `${venue}.js`);
    if (!existsSync(file)) throw new Error(`${venue}.js is not in the trace`);
    const { default: Exchange } = await import(pathToFileURL(file).href);
    const exchange = new Exchange({});
    if (exchange.id !== venue) throw new Error(`${venue}.js loaded ${exchange.id}`);
  }
  console.log(`ccxt trace: binance, bybit, okx and bitget load from the ${shipped.length} traced node_modules files alone.`);
} catch (error) {
  console.error(`ccxt trace incomplete: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(target, { recursive: true, force: true });
}
