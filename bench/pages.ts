/**
 * Dashboard pages at scale (issue 18, target 6): the production server (`next start` on the last build,
 * built first if there is none) on a scratch PostgreSQL database, one trader with 200 strategies on five
 * paper accounts and 50,000 filled orders with their fill ledger (90 days). The trader's session is
 * minted as the server would sign it (its AUTH_SECRET is the e2e server's), on a trusted device. Each
 * page is fetched BENCH_PAGE_RUNS (10) times after a warm-up; target: p50 <= 300 ms for the strategies,
 * orders and statistics pages. Needs PostgreSQL: BENCH_DATABASE_URL, DATABASE_URL, or the local server.
 * Run by `npm run bench` through pages.bench.mjs.
 */
import { createHash, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { encode } from "next-auth/jwt";
import { startAppServer } from "./app-server";
import { openDatabase, setDbHandleForTests } from "../db/client";
import { exchangeAccounts, signals, strategies, userDevices, users } from "../db/schema";
import { bookAllLedgerPnl } from "../lib/statistics/ledger-pnl";
import { seedLedger, type SeedFill } from "../tests/helpers/seed-ledger";

const PORT = Number(process.env.BENCH_PORT ?? 3400);
const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 10);
const STRATEGIES = Number(process.env.BENCH_STRATEGIES ?? 200);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 50_000);
const TARGET_MS = 300;
const PAGES = ["/dashboard/strategies", "/dashboard/orders", "/dashboard/statistics", "/dashboard"];
const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DB_NAME = "signalbridge_bench_pages";
const AUTH_SECRET = "e2e-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const COOKIE = "authjs.session-token";

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const app = startAppServer({ port: PORT, databaseUrl: server, dbName: DB_NAME, env: { E2E_AUTH_SECRET: AUTH_SECRET } });

/** One trader with STRATEGIES strategies and ORDERS filled orders; answers the session cookie. */
async function seed() {
  const url = new URL(server);
  url.pathname = `/${DB_NAME}`;
  const handle = await openDatabase({ url: url.toString(), migrate: false });
  setDbHandleForTests(handle);
  const db = handle.db;
  const [user] = await db.insert(users).values({ email: "bench-pages@example.com", name: "Bench", passwordHash: "x", role: 2, emailVerifiedAt: new Date() }).returning();
  const [device] = await db.insert(userDevices).values({ userId: user!.id, deviceHash: createHash("sha256").update(randomUUID()).digest("hex"), status: "trusted", trustedAt: new Date() }).returning();
  const [signal] = await db.insert(signals).values({ name: "bench-pages", secretHash: "x", secretHint: "x" }).returning();
  const accounts = await db
    .insert(exchangeAccounts)
    .values(Array.from({ length: 5 }, (_, i) => ({ userId: user!.id, exchange: "paper", label: `Paper ${i + 1}` })))
    .returning();
  const symbols = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT", "DOGE/USDT", "ADA/USDT", "LTC/USDT"];
  const rows = await db
    .insert(strategies)
    .values(Array.from({ length: STRATEGIES }, (_, i) => ({ userId: user!.id, name: `Strategy ${i + 1}`, signalId: signal!.id, accountId: accounts[i % accounts.length]!.id, symbol: symbols[i % symbols.length]!, sizingValue: "100" })))
    .returning();
  const started = Date.now() - 90 * 86_400_000;
  const step = (90 * 86_400_000) / ORDERS;
  const perAccount = new Map<string, SeedFill[]>();
  for (let i = 0; i < ORDERS; i++) {
    const s = rows[i % rows.length]!;
    const n = Math.floor(i / rows.length);
    const price = (100 + ((n * 7919) % 40) - 20 + (i % 3)).toFixed(2);
    const list = perAccount.get(s.accountId) ?? [];
    list.push({ order: `${s.id}-${n}`, strategyId: s.id, symbol: s.symbol, side: n % 2 === 0 ? "buy" : "sell", amount: "1.5", price, feeQuote: "0.15", at: new Date(started + i * step) });
    perAccount.set(s.accountId, list);
  }
  const t0 = performance.now();
  for (const [accountId, fills] of perAccount) await seedLedger(db, { userId: user!.id, accountId, rows: fills });
  await bookAllLedgerPnl();
  console.log(`seeded ${STRATEGIES} strategies and ${ORDERS} filled orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const now = Math.floor(Date.now() / 1000);
  const token = await encode({
    salt: COOKIE,
    secret: AUTH_SECRET,
    token: { sub: user!.id, id: user!.id, name: user!.name, email: user!.email, role: 2, sv: user!.sessionVersion ?? 0, did: device!.id, dt: true, ev: true, tfs: false, sid: randomUUID(), st: now, la: now, at: now, rm: true },
  });
  return { cookie: `${COOKIE}=${token}`, close: () => handle.close() };
}

let failed = false;
try {
  await app.untilHealthy();
  const { cookie, close } = await seed();
  const get = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${app.base}${path}`, { headers: { cookie }, redirect: "manual" });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status} ${res.headers.get("location") ?? ""}`);
    // BENCH_PAGES_DUMP=<dir> keeps each page's HTML, to see what makes it large.
    if (process.env.BENCH_PAGES_DUMP) writeFileSync(`${process.env.BENCH_PAGES_DUMP}/${path.replaceAll("/", "_")}.html`, html);
    return { ms: performance.now() - t0, bytes: html.length };
  };
  for (const path of PAGES) await get(path);
  console.log(`| page | p50 | p90 | html |`);
  console.log(`|---|---|---|---|`);
  for (const path of PAGES) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < RUNS; r++) ({ bytes } = await get(path).then((x) => (times.push(x.ms), x)));
    times.sort((a, b) => a - b);
    const p50 = quantile(times, 0.5);
    if (path !== "/dashboard" && p50 > TARGET_MS) failed = true;
    console.log(`| ${path} | ${p50.toFixed(0)} ms | ${quantile(times, 0.9).toFixed(0)} ms | ${(bytes / 1024).toFixed(0)} kB |`);
  }
  // BENCH_PAGES_SCREENSHOT=<dir>: the last page of strategies, as a trader's browser shows it (desktop and phone).
  if (process.env.BENCH_PAGES_SCREENSHOT) {
    const { chromium } = await import("@playwright/test");
    const { findChromium } = await import("../scripts/find-chromium.mjs");
    const browser = await chromium.launch({ executablePath: findChromium(), args: ["--no-sandbox", "--disable-gpu"] });
    for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]] as const) {
      const context = await browser.newContext({ viewport });
      const [cookieName, value] = cookie.split("=") as [string, string];
      await context.addCookies([{ name: cookieName, value, url: app.base }]);
      const page = await context.newPage();
      await page.goto(`${app.base}/dashboard/strategies?page=${Math.ceil(STRATEGIES / 50)}`);
      await page.getByTestId("strategies-pager").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${process.env.BENCH_PAGES_SCREENSHOT}/strategies-${name}.png` });
      await context.close();
    }
    await browser.close();
  }
  await close();
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  setDbHandleForTests(undefined);
  app.stop();
}
console.log(failed ? `OVER the pages target (p50 <= ${TARGET_MS} ms)` : `within the pages target (p50 <= ${TARGET_MS} ms)`);
process.exit(failed ? 1 : 0);
