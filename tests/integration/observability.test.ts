import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jobRuns, orders } from "@/db/schema";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

// The webhook's drain-after-ingest runs when the test says so: the queue is seen growing first.
const deferred = vi.hoisted(() => ({ tasks: [] as (() => Promise<unknown>)[] }));
vi.mock("next/server", async (original) => ({
  ...(await original<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void deferred.tasks.push(task),
}));

const { POST } = await import("@/app/api/webhooks/signals/[name]/route");
const { GET: metricsRoute } = await import("@/app/api/metrics/route");
const { GET: drainRoute } = await import("@/app/api/cron/drain/route");
const { createLogger, log, setLoggerForTests } = await import("@/lib/logger");
const { authorizeCredentials } = await import("@/lib/auth/credentials");
const { hashPassword } = await import("@/lib/auth/password");
const { createUser } = await import("@/lib/users");
const { resetEnvForTests } = await import("@/lib/env");
const { drainNotifications, emit, emitSafely } = await import("@/lib/notifications");
const { getDb } = await import("@/db/client");

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const t = tradingFixture(sim, testDb, "obs");
const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const CRON_SECRET = "cron-secret-0123456789abcdef";
const lines: string[] = [];

beforeAll(() => {
  Object.assign(process.env, { METRICS_TOKEN, CRON_SECRET, LOG_LEVEL: "trace" });
  resetEnvForTests();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  setLoggerForTests(createLogger(sink));
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
});

afterAll(() => {
  setLoggerForTests(undefined);
  vi.restoreAllMocks();
  for (const key of ["METRICS_TOKEN", "CRON_SECRET", "LOG_LEVEL"]) delete process.env[key];
  resetEnvForTests();
});

async function scrape(): Promise<string> {
  const answer = await metricsRoute(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toContain("text/plain");
  return answer.text();
}

/** A sample's value in Prometheus text (0 when the series is not there yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(",") : [];
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[3]);
  }
  return 0;
}

function webhook(name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return POST(
    new Request(`http://localhost/api/webhooks/signals/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ name }) },
  );
}

async function runDeferred() {
  const tasks = deferred.tasks.splice(0);
  for (const task of tasks) await task();
}

describe("the metrics route", () => {
  it("answers 401 without the bearer token and 503 when no token is configured", async () => {
    expect((await metricsRoute(new Request("http://localhost/api/metrics"))).status).toBe(401);
    const wrong = await metricsRoute(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer nope" } }));
    expect(wrong.status).toBe(401);
    delete process.env.METRICS_TOKEN;
    resetEnvForTests();
    try {
      const off = await metricsRoute(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
      expect(off.status).toBe(503);
      expect((await off.json()).error.message).toContain("METRICS_TOKEN");
    } finally {
      process.env.METRICS_TOKEN = METRICS_TOKEN;
      resetEnvForTests();
    }
  });
});

describe("a scripted run", () => {
  it("counts webhooks, the queue, the drain, orders, exchange calls and login failures, and logs no secret", async () => {
    const before = await scrape();
    const rich = await t.makeTrader();
    const poor = await t.makeTrader();
    // The venue fails this account's order once (an error path through the engine).
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "POST", apiKey: poor.apiKey, count: 1 });

    // A signal that places an order, one the venue fails, and one with a wrong secret.
    expect((await webhook(rich.signalName, { secret: rich.secret, id: "obs-1", action: "buy", symbol: "BTCUSDT" })).status).toBe(202);
    expect((await webhook(poor.signalName, { secret: poor.secret, id: "obs-2", action: "buy", symbol: "BTCUSDT" })).status).toBe(202);
    expect((await webhook(rich.signalName, { secret: "wrong-secret", id: "obs-3", action: "buy", symbol: "BTCUSDT" })).status).toBe(401);
    expect((await webhook(rich.signalName, { secret: rich.secret, id: "obs-1", action: "buy", symbol: "BTCUSDT" })).status).toBe(202);

    const queued = await scrape();
    expect(sample(queued, "signalbridge_queue_depth")).toBe(2);
    expect(sample(queued, "signalbridge_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(0);

    await runDeferred();
    expect(await t.ordersOf(rich.strategyId)).toHaveLength(1);
    const drained = await drainRoute(new Request("http://localhost/api/cron/drain", { headers: { authorization: `Bearer ${CRON_SECRET}` } }));
    expect(drained.status).toBe(200);
    const [run] = await testDb.db.select().from(jobRuns).where(eq(jobRuns.job, "drain"));
    expect(run).toMatchObject({ trigger: "cron", outcome: "ok", runs: 1, failures: 0 });

    const user = await createUser({ name: "Obs", email: "obs-login@example.com", passwordHash: await hashPassword("correct horse battery"), autoApprove: true });
    expect(await authorizeCredentials({ email: user.email, password: "wrong password!!" }, { ip: null, userAgent: "vitest" })).toBeNull();

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("signalbridge_webhook_requests_total", { outcome: "accepted" })).toBe(2);
    expect(delta("signalbridge_webhook_requests_total", { outcome: "duplicate" })).toBe(1);
    expect(delta("signalbridge_webhook_requests_total", { outcome: "unauthorized" })).toBe(1);
    expect(delta("signalbridge_webhook_ingest_seconds_count")).toBe(4);
    // The failed order waits for the monitor to find out whether it reached the venue.
    expect(sample(after, "signalbridge_queue_depth")).toBeLessThan(2);
    expect(delta("signalbridge_drain_duration_seconds_count", { trigger: "ingest" })).toBe(2);
    expect(delta("signalbridge_drain_duration_seconds_count", { trigger: "cron" })).toBe(1);
    expect(delta("signalbridge_job_runs_total", { job: "drain", outcome: "ok" })).toBe(1);
    expect(delta("signalbridge_orders_total", { venue: "binance", outcome: "placed" })).toBe(1);
    expect(delta("signalbridge_orders_total", { venue: "binance", outcome: "exchange_down" })).toBe(1);
    expect(delta("signalbridge_exchange_request_seconds_count", { venue: "binance" })).toBeGreaterThan(2);
    expect(delta("signalbridge_exchange_errors_total", { venue: "binance", code: "exchange_down" })).toBe(1);
    expect(sample(after, "signalbridge_rate_budget_used_ratio", { venue: "binance" })).toBeGreaterThan(0);
    expect(delta("signalbridge_login_failures_total", { reason: "wrong_credentials" })).toBe(1);
    for (const name of ["signalbridge_login_lockouts_total", "signalbridge_venue_bans_active", "signalbridge_outbox_backlog", "signalbridge_rate_budget_exhausted_total"]) {
      expect(after).toContain(`# TYPE ${name} `);
    }
    expect(sample(after, "signalbridge_outbox_backlog", { state: "dead" })).toBe(0);

    // Secrets handed to the logger as fields are redacted by configuration.
    log({ accountId: poor.accountId }).warn(
      { apiKey: poor.apiKey, secret: `secret-obs-${poor.apiKey.split("-").pop()}`, request: { headers: { authorization: `Bearer ${CRON_SECRET}` }, body: `{"secret":"${rich.secret}"}` } },
      "a careless line",
    );

    const planted = [rich.apiKey, `secret-obs-${rich.apiKey.split("-").pop()}`, poor.apiKey, rich.secret, poor.secret, CRON_SECRET, "correct horse battery"];
    const logged = lines.filter((line) => line.startsWith("{"));
    expect(logged.length).toBeGreaterThan(1);
    expect(logged.some((line) => line.includes('"eventId"') || line.includes('"requestId"'))).toBe(true);
    for (const line of lines) for (const secret of planted) expect(line).not.toContain(secret);
    expect(lines.some((line) => line.includes("[redacted]"))).toBe(true);
    await testDb.db.delete(orders);
  });
});

describe("notification failures", () => {
  it("counts an event that could not be written to the outbox and a delivery attempt that failed", async () => {
    const skipping = { channel: "telegram" as const, configured: () => false, send: async () => ({ status: "skipped" as const, reason: "off" }) };
    const drain = (senders: NonNullable<Parameters<typeof drainNotifications>[0]>["senders"]) =>
      drainNotifications({ now: () => new Date(Date.now() + 60_000), windowMs: 1_000, budgetMs: 5_000, senders });
    // What the run above left in the outbox is settled first (not configured: skipped).
    await drain({ email: { ...skipping, channel: "email" }, telegram: skipping });
    const before = await scrape();
    const trader = await t.makeTrader();
    const db = await getDb();
    await db.transaction(async (tx) => {
      // Refused by the outbox (no such user): the change around it goes on, the failure is counted.
      await emitSafely(tx, { userId: "00000000-0000-4000-8000-00000000dead", type: "key.failing", dedupeKey: `obs-write-${trader.userId}`, payload: {} });
      await emit(tx, { userId: trader.userId, type: "order.filled", dedupeKey: `obs-fill-${trader.userId}`, payload: { symbol: "BTC/USDT" } });
    });
    const refusing = { channel: "email" as const, configured: () => true, send: async () => Promise.reject(Object.assign(new Error("mail server down"), { code: "503" })) };
    await drain({ email: refusing, telegram: skipping });

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("signalbridge_notification_write_failures_total", { type: "key.failing" })).toBe(1);
    expect(delta("signalbridge_notification_delivery_failures_total", { channel: "email", dead: "false" })).toBe(1);
  });
});
