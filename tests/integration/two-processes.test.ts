import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orders, rateLimitCounters, signalEvents, strategyExecutions, type Strategy } from "@/db/schema";
import { getQueue } from "@/lib/queue";
import { BinanceSimulator, requestWeight } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type SignalRef, type Trader } from "../helpers/trading";

/**
 * Two app processes on one database, as two replicas of the Docker image would run: each a separate
 * Node process draining the shared queue (tests/helpers/drain-worker.ts), both trading on the Binance
 * simulator. Each reaches the simulator through a counting proxy of its own, so what each process spent
 * is known. PostgreSQL only: PGlite is one process's database.
 */

const root = path.resolve(import.meta.dirname, "../..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pass-through proxy to the simulator that adds up the request weight of what went through it. */
async function countingProxy(target: string) {
  const upstream = new URL(target);
  const seen = { requests: 0, weight: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", target);
    seen.requests += 1;
    seen.weight += requestWeight(req.method ?? "GET", url.pathname, url.searchParams);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    reset: () => Object.assign(seen, { requests: 0, weight: 0 }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Proxy = Awaited<ReturnType<typeof countingProxy>>;
type Stopped = { processed: number; passes: number; errors: string[] };

/** A drain worker process; `send` writes a command, `next` waits for its next answer line. */
function startWorker(env: NodeJS.ProcessEnv) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/helpers/drain-worker.ts"], {
    cwd: root,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Record<string, unknown>[] = [];
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = (JSON.parse(line) as { drainWorker?: Record<string, unknown> }).drainWorker;
    } catch {
      parsed = undefined;
    }
    if (!parsed) return; // one of the app's log lines
    const waiter = waiters.shift();
    if (waiter) waiter(parsed);
    else lines.push(parsed);
  });
  const next = (key: string, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${child.pid}: no "${key}" in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
      const take = (line: Record<string, unknown>) => {
        clearTimeout(timer);
        if (key in line) resolve(line);
        else reject(new Error(`worker ${child.pid}: expected "${key}", got ${JSON.stringify(line)}; stderr: ${stderr.slice(-2000)}`));
      };
      const queued = lines.shift();
      if (queued) take(queued);
      else waiters.push(take);
    });
  return {
    child,
    next,
    send: (command: Record<string, unknown>) => child.stdin.write(`${JSON.stringify(command)}\n`),
    stop: async () => {
      child.stdin.write(`${JSON.stringify({ cmd: "stop" })}\n`);
      return (await next("stopped")).stopped as Stopped;
    },
    kill: () => child.kill("SIGKILL"),
  };
}

type Worker = ReturnType<typeof startWorker>;

describe.skipIf(!process.env.DATABASE_URL)("two app processes on one PostgreSQL database", () => {
  const testDb = useTestDatabase();
  const sim = new BinanceSimulator();
  const fx = tradingFixture(sim, testDb, "twoproc");
  let proxies: Proxy[] = [];
  let workers: Worker[] = [];

  beforeAll(async () => {
    const rows = (await testDb.db.execute(sql`select current_database() as name`)) as unknown as { name: string }[];
    const name = rows[0]!.name;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    proxies = [await countingProxy(sim.url), await countingProxy(sim.url)];
    workers = proxies.map((proxy) =>
      startWorker({
        ...process.env,
        DATABASE_URL: url.toString(),
        EXCHANGE_API_OVERRIDE: proxy.url,
        EXCHANGE_TIMEOUT_MS: "5000",
        INPROCESS_CRON: "false",
        LOG_LEVEL: "warn",
      }),
    );
    await Promise.all(workers.map((w) => w.next("ready", 90_000)));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill();
    await Promise.all(proxies.map((p) => p.stop()));
  });

  /** Signals each followed by `per` strategies, each on an exchange account of its own. */
  async function fannedOut(signals: number, per: number, sizing: Partial<Strategy> = { sizingMode: "quote", sizingValue: "20" }) {
    const groups: { signal: SignalRef; traders: Trader[] }[] = [];
    for (let s = 0; s < signals; s++) {
      const signal = await fx.makeSignal();
      const traders: Trader[] = [];
      for (let i = 0; i < per; i++) traders.push(await fx.makeTrader(sizing, { USDT: "10000" }, signal));
      groups.push({ signal, traders });
    }
    return groups;
  }

  async function queuedCount(eventIds: string[]) {
    const [row] = await testDb.db
      .select({ n: sql<number>`count(*)::int` })
      .from(signalEvents)
      .where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    return Number(row?.n ?? 0);
  }

  it("a signal fanned out to several strategies gets one order per strategy, the work shared by both processes", async () => {
    const groups = await fannedOut(8, 3);
    const queue = await getQueue();
    const eventIds: string[] = [];
    for (const g of groups) {
      const eventId = await fx.post(g.traders[0]!, { action: "buy", symbol: "BTC/USDT", price: "60000" });
      // Delivered twice, as after a redelivery: both processes may hold a job for the same event.
      await queue.enqueue("signals", { eventId });
      eventIds.push(eventId);
    }
    for (const w of workers) w.send({ cmd: "drain", drainers: 2 });
    await Promise.all(workers.map((w) => w.next("draining")));
    const until = Date.now() + 40_000;
    while ((await queuedCount(eventIds)) > 0 && Date.now() < until) await sleep(200);
    const stopped = await Promise.all(workers.map((w) => w.stop()));

    expect(await queuedCount(eventIds)).toBe(0);
    for (const s of stopped) expect(s.errors).toEqual([]);
    const traders = groups.flatMap((g) => g.traders);
    for (const t of traders) {
      const eventId = eventIds[groups.findIndex((g) => g.traders.includes(t))]!;
      expect(sim.account(t.apiKey).orders, `exchange orders of ${t.strategyId}`).toHaveLength(1);
      const rows = await testDb.db.select().from(orders).where(and(eq(orders.strategyId, t.strategyId), eq(orders.eventId, eventId)));
      expect(rows.map((r) => `${r.leg}/${r.status}`)).toEqual(["buy/filled"]);
    }
    const executions = await testDb.db.select().from(strategyExecutions).where(inArray(strategyExecutions.eventId, eventIds));
    expect(executions.map((e) => e.outcome)).toEqual(traders.map(() => "sent"));
    // Both processes did part of it: each sent requests of its own to the exchange.
    expect(proxies.map((p) => p.seen.requests).every((n) => n > 0), JSON.stringify(proxies.map((p) => p.seen))).toBe(true);
  }, 90_000);

  it("share one request-weight budget: together they spend no more than one budget allows", async () => {
    const LIMIT = 150;
    // The simulator reports no used weight (1 ms window): only the shared counter holds the processes back.
    sim.setWeightLimit(1_000_000, { windowMs: 1 });
    for (const w of workers) w.send({ cmd: "budget", limit: LIMIT, windowMs: 60_000 });
    await Promise.all(workers.map((w) => w.next("budget")));
    // Enough signals that every drainer of both processes claims some (a drain claims up to 5 jobs).
    // Sized in percent of the balance, so each strategy reads it (a fixed size reads none).
    const groups = await fannedOut(16, 2, { sizingMode: "percent", sizingValue: "0.2" });
    await testDb.db.delete(rateLimitCounters);
    for (const p of proxies) p.reset();
    // 32 strategies, each reading its balance (weight 20) and sending an order (1): about 670 weight, more
    // than either process alone would get from a budget of its own.
    const eventIds = [];
    for (const g of groups) eventIds.push(await fx.post(g.traders[0]!, { action: "buy", symbol: "BTC/USDT", price: "60000" }));
    for (const w of workers) w.send({ cmd: "drain", drainers: 2 });
    await Promise.all(workers.map((w) => w.next("draining")));
    // Until the spending stops (the budget is spent and what is left waits for the next window), bounded.
    const weight = () => proxies[0]!.seen.weight + proxies[1]!.seen.weight;
    let last = -1;
    let still = Date.now();
    for (const until = Date.now() + 8_000; Date.now() < until; await sleep(250)) {
      if (weight() !== last) [last, still] = [weight(), Date.now()];
      else if (last > 0 && Date.now() - still > 1_500) break;
    }
    const stopped = await Promise.all(workers.map((w) => w.stop()));

    const spent = proxies.map((p) => p.seen.weight);
    const total = spent[0]! + spent[1]!;
    const detail = JSON.stringify({ spent, stopped: stopped.map((s) => ({ processed: s.processed, passes: s.passes })) });
    expect(total, detail).toBeLessThanOrEqual(LIMIT);
    // The budget was the limit (not a lack of work), and both processes drew on it.
    expect(total, detail).toBeGreaterThan(LIMIT - 25);
    expect(spent.every((w) => w > 0), detail).toBe(true);
    const placed = groups.flatMap((g) => g.traders).reduce((n, t) => n + sim.account(t.apiKey).orders.length, 0);
    expect(placed, detail).toBeLessThan(32);
  }, 60_000);

  it("a process killed mid-fan-out: the other takes over within seconds (short leases), no strategy gets two orders", async () => {
    for (const w of workers) w.send({ cmd: "budget", limit: 100_000, windowMs: 60_000 });
    await Promise.all(workers.map((w) => w.next("budget")));
    await testDb.db.delete(rateLimitCounters);
    const { traders } = (await fannedOut(1, 24))[0]!;
    // 150 ms a request: the fan-out takes seconds, so the kill lands in the middle of it.
    sim.setLatency(150);
    const eventId = await fx.post(traders[0]!, { action: "buy", symbol: "BTC/USDT", price: "60000" });
    const [doomed, survivor] = workers;
    doomed!.send({ cmd: "drain", drainers: 1 });
    await doomed!.next("draining");
    const placed = () => traders.filter((t) => sim.account(t.apiKey).orders.length > 0).length;
    const startedBy = Date.now() + 30_000;
    while (placed() < 3 && Date.now() < startedBy) await sleep(20);
    doomed!.kill();
    const killedAt = Date.now();
    const rowsAtKill = await testDb.db.select({ strategyId: orders.strategyId }).from(orders).where(eq(orders.eventId, eventId));
    const started = new Set(rowsAtKill.map((r) => r.strategyId));
    expect(started.size, "the kill came mid-fan-out").toBeLessThan(traders.length);

    survivor!.send({ cmd: "drain", drainers: 1 });
    await survivor!.next("draining");
    // Every strategy the dead process had not started is executed within 15 s of the kill.
    const rest = traders.filter((t) => !started.has(t.strategyId));
    const until = killedAt + 15_000;
    while (rest.some((t) => sim.account(t.apiKey).orders.length === 0) && Date.now() < until) await sleep(100);
    const tookMs = Date.now() - killedAt;
    await survivor!.stop();
    sim.setLatency(0);
    expect(rest.filter((t) => sim.account(t.apiKey).orders.length === 0).map((t) => t.strategyId), `after ${tookMs} ms`).toEqual([]);
    for (const t of traders) expect(sim.account(t.apiKey).orders.length, `exchange orders of ${t.strategyId}`).toBeLessThanOrEqual(1);
  }, 90_000);
});
