/**
 * Webhook under a burst (issue 18, target 1): the production server (`next start` on the last build,
 * built first if there is none) on a scratch PostgreSQL database, with the exchange simulator beside it
 * and one paper strategy following the signal, so every accepted event is also drained while the burst
 * goes on. For 50, 150 and 300 requests per second (open loop: a request leaves on time whether or not
 * the earlier ones were answered), for BENCH_WEBHOOK_SECONDS (10) each, new events to the signal webhook
 * and, in the same run, the same rate to the bare route (/api/health, one database round trip) as the
 * baseline. Target: the webhook's p50 and p99 within 2x of the baseline's and no error where the
 * baseline has none. Needs PostgreSQL: BENCH_DATABASE_URL, DATABASE_URL, or the local server.
 * Run by `npm run bench` through webhook-burst.bench.mjs.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { startAppServer } from "./app-server";
import { openDatabase, setDbHandleForTests } from "../db/client";
import { exchangeAccounts, signals, strategies, users } from "../db/schema";
import { generateSignalSecret } from "../lib/signals";

const PORT = Number(process.env.BENCH_PORT ?? 3300);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const RATES = (process.env.BENCH_WEBHOOK_RATES ?? "50,150,300").split(",").map(Number);
const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DB_NAME = "signalbridge_bench_webhook";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);

// BENCH_UPSTASH=1: the queue and the rate limits in Redis through the Upstash REST bridge (its own
// process, as in scripts/check-standalone.sh), instead of PostgreSQL.
let upstash: Record<string, string> = {};
let bridge: ReturnType<typeof spawn> | undefined;
if (process.env.BENCH_UPSTASH === "1") {
  bridge = spawn("npx", ["tsx", "tests/helpers/upstash-bridge-cli.ts", process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "13"], { stdio: ["ignore", "pipe", "inherit"], detached: true });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    bridge!.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    bridge!.on("exit", () => reject(new Error("the Upstash REST bridge did not start (is Redis running?)")));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  upstash = { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token };
  console.log(`queue and rate limits: Redis through the Upstash REST bridge at ${url}`);
}
const stopBridge = () => {
  try {
    if (bridge) process.kill(-bridge.pid!, "SIGTERM");
  } catch {
    // already gone
  }
};
process.on("exit", stopBridge);

const app = startAppServer({
  port: PORT,
  databaseUrl: server,
  dbName: DB_NAME,
  env: {
    // A burst from one address is the point here, not the flood guard.
    SIGNAL_RATE_LIMIT_PER_MINUTE: "100000",
    SIGNAL_IP_RATE_LIMIT_PER_MINUTE: "100000",
    // BENCH_DRAIN_ON_INGEST=false measures ingest alone (a web instance beside a separate worker).
    DRAIN_ON_INGEST: process.env.BENCH_DRAIN_ON_INGEST ?? "true",
    ...upstash,
  },
});

async function seed() {
  const url = new URL(server);
  url.pathname = `/${DB_NAME}`;
  const handle = await openDatabase({ url: url.toString(), migrate: false });
  setDbHandleForTests(handle);
  const db = handle.db;
  const { secret, hash, hint } = generateSignalSecret();
  const [signal] = await db.insert(signals).values({ name: "bench-burst", secretHash: hash, secretHint: hint }).returning();
  const [user] = await db.insert(users).values({ email: "bench-burst@example.com", name: "Bench", passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: "Bench paper" }).returning();
  await db.insert(strategies).values({ userId: user!.id, name: "Bench", signalId: signal!.id, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "10" });
  return { secret, close: () => handle.close() };
}

/** Fires `rate` requests a second for SECONDS on a fixed schedule and answers latencies and failures. */
async function burst(rate: number, request: () => Promise<Response>) {
  const latencies: number[] = [];
  let errors = 0;
  const total = rate * SECONDS;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const t0 = performance.now();
    pending.push(
      request().then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status >= 400) errors += 1;
          latencies.push(performance.now() - t0);
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors, total };
}

let failed = false;
try {
  await app.untilHealthy();
  const { secret, close } = await seed();
  const webhook = () =>
    fetch(`${app.base}/api/webhooks/signals/bench-burst`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret, action: "buy", symbol: "BTCUSDT", id: randomUUID() }),
    });
  const bare = () => fetch(`${app.base}/api/health`);
  // Warm both routes (first compilation of the route's modules, connections).
  await burst(20, webhook);
  await burst(20, bare);
  console.log(`| rate | bare p50 | bare p99 | webhook p50 | webhook p99 | errors (bare / webhook) | within 2x |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const rate of RATES) {
    const base = await burst(rate, bare);
    await sleep(1_000);
    const hook = await burst(rate, webhook);
    // Let the drains catch up before the next rate.
    await sleep(3_000);
    const within = hook.p50 <= 2 * Math.max(base.p50, 1) && hook.p99 <= 2 * Math.max(base.p99, 1) && (base.errors > 0 || hook.errors === 0);
    if (!within) failed = true;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(`| ${rate}/s | ${ms(base.p50)} | ${ms(base.p99)} | ${ms(hook.p50)} | ${ms(hook.p99)} | ${base.errors} / ${hook.errors} of ${hook.total} | ${within ? "yes" : "NO"} |`);
  }
  await close();
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  setDbHandleForTests(undefined);
  app.stop();
}
console.log(failed ? "OVER the webhook target" : "within the webhook target");
process.exit(failed ? 1 : 0);
