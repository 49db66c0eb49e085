import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { listOrderActivity, orderActivityBatches, type ActivityRow } from "@/db/queries/activity";
import { exchangeAccounts, orders, signalEvents, signals, strategies, strategyExecutions, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { useTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!session.userId) throw new AppError("unauthorized", "Please sign in again.");
    return { id: session.userId };
  },
}));

const { GET } = await import("@/app/(dashboard)/dashboard/orders/export/route");

const testDb = useTestDatabase();
let signalId: string;
let n = 0;

async function makeTrader() {
  const db = testDb.db;
  n += 1;
  const [user] = await db.insert(users).values({ email: `export-${n}@example.com`, name: `E${n}`, passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Paper, "main" ${n}` }).returning();
  const [second] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Счёт ${n}` }).returning();
  const [strategy] = await db.insert(strategies).values({ userId: user!.id, name: `=Trend ${n}`, signalId, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "100" }).returning();
  return { userId: user!.id, accountId: account!.id, secondAccountId: second!.id, strategyId: strategy!.id };
}
type Trader = Awaited<ReturnType<typeof makeTrader>>;

const now = Date.now();
const daysAgo = (d: number, minute = 0) => new Date(now - d * 86_400_000 - minute * 60_000);

async function order(t: Trader, createdAt: Date, values: Partial<typeof orders.$inferInsert> = {}) {
  const [row] = await testDb.db
    .insert(orders)
    .values({ userId: t.userId, accountId: t.accountId, clientOrderId: randomUUID(), symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", status: "filled", createdAt, ...values })
    .returning();
  return row!;
}

async function skip(t: Trader, createdAt: Date, reason: string) {
  const [event] = await testDb.db.insert(signalEvents).values({ signalId, idempotencyKey: randomUUID(), action: "buy", symbol: "BTC/USDT", rawSymbol: "X", price: "100.5" }).returning();
  await testDb.db.insert(strategyExecutions).values({ strategyId: t.strategyId, eventId: event!.id, leg: "buy", outcome: "skipped", reason, createdAt });
}

const key = (r: ActivityRow) => (r.kind === "skip" ? `skip:${r.reason}` : `order:${r.clientOrderId}`);

let me: Trader;
let other: Trader;

beforeAll(async () => {
  const [signal] = await testDb.db.insert(signals).values({ name: "export-signal", secretHash: "h", secretHint: "h" }).returning();
  signalId = signal!.id;
  me = await makeTrader();
  other = await makeTrader();
  await order(me, daysAgo(0, 1), { clientOrderId: "today-strategy", strategyId: me.strategyId, price: "65000.123456789012345678", average: "65000.5", filled: "0.00000001", amount: "0.00000001", cost: "0.00065", fee: "0.0000000001", feeCurrency: "BTC" });
  await order(me, daysAgo(3), { clientOrderId: "3d-second-sell", accountId: me.secondAccountId, side: "sell", type: "limit", status: "open", price: "70000", filled: "0" });
  await order(me, daysAgo(20), { clientOrderId: "20d-rejected", status: "rejected", filled: "0", error: { code: "insufficient_funds", message: "x" } });
  await order(me, daysAgo(60), { clientOrderId: "60d-eth", symbol: "ETH/USDT", fees: { BNB: "0.01", ETH: "0.002" } });
  await skip(me, daysAgo(1), "no_price");
  // Another trader's rows, at the same times, never show.
  await order(other, daysAgo(0, 2), { clientOrderId: "theirs" });
  await skip(other, daysAgo(1, 1), "theirs_skip");
});

describe("listOrderActivity filters", () => {
  it("filters by account, strategy, period and status (skipped included), only ever my own rows", async () => {
    const list = async (f: Parameters<typeof listOrderActivity>[0]) => (await listOrderActivity(f)).rows.map(key);
    expect(await list({ userId: me.userId })).toEqual(["order:today-strategy", "skip:no_price", "order:3d-second-sell", "order:20d-rejected", "order:60d-eth"]);
    expect(await list({ userId: me.userId, accountId: me.secondAccountId })).toEqual(["order:3d-second-sell"]);
    expect(await list({ userId: me.userId, strategyId: me.strategyId })).toEqual(["order:today-strategy", "skip:no_price"]);
    expect(await list({ userId: me.userId, since: daysAgo(7) })).toEqual(["order:today-strategy", "skip:no_price", "order:3d-second-sell"]);
    expect(await list({ userId: me.userId, status: "skipped" })).toEqual(["skip:no_price"]);
    expect(await list({ userId: me.userId, status: "rejected" })).toEqual(["order:20d-rejected"]);
    // Someone else's account or strategy id in the URL finds nothing of theirs.
    expect(await list({ userId: me.userId, accountId: other.accountId })).toEqual([]);
    expect(await list({ userId: me.userId, strategyId: other.strategyId })).toEqual([]);
    expect(await list({ userId: other.userId })).toEqual(["order:theirs", "skip:theirs_skip"]);
  });

  it("reads every row once in keyset pages, whatever the page size", async () => {
    for (const size of [1, 2, 3, 10]) {
      const seen: string[] = [];
      for await (const batch of orderActivityBatches({ userId: me.userId }, size)) {
        expect(batch.length).toBeLessThanOrEqual(size);
        seen.push(...batch.map(key));
      }
      expect(seen).toEqual(["order:today-strategy", "skip:no_price", "order:3d-second-sell", "order:20d-rejected", "order:60d-eth"]);
    }
  });
});

const exportUrl = (query = "") => new NextRequest(`http://127.0.0.1:3000/dashboard/orders/export${query}`);

describe("GET /dashboard/orders/export", () => {
  it("refuses without a session and rejects a bad filter with a 400", async () => {
    session.userId = null;
    expect((await GET(exportUrl())).status).toBe(401);
    session.userId = me.userId;
    const bad = await GET(exportUrl("?period=forever"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("period");
  });

  it("streams the filtered rows as exact, injection-safe CSV", async () => {
    session.userId = me.userId;
    const response = await GET(exportUrl("?period=30d&status=filled"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    const first = (await testDb.db.select().from(orders).where(sql`${orders.clientOrderId} = 'today-strategy'`))[0]!;
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A UTF-8 byte-order mark first (Excel), which a decoder drops.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(
      "time,kind,account,strategy,symbol,side,type,status,amount,filled,price,average,cost,fee,fee_currency,client_order_id,exchange_order_id,note\r\n" +
        `${first.createdAt.toISOString()},order,"Paper, ""main"" 1",'=Trend 1,BTC/USDT,buy,market,filled,0.00000001,0.00000001,65000.123456789012345678,65000.5,0.00065,0.0000000001,BTC,today-strategy,,\r\n`,
    );
    const all = await (await GET(exportUrl())).text();
    const lines = all.trimEnd().split("\r\n");
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/,skip,"Paper, ""main"" 1",'=Trend 1,BTC\/USDT,buy,,skipped,,,100\.5,,,,,,,no_price$/);
    expect(lines[3]).toContain(",order,Счёт 1,,BTC/USDT,sell,limit,open,1,0,70000,");
    expect(lines[4]).toMatch(/,rejected,.*,insufficient_funds$/);
    expect(lines[5]).toContain(",0.01;0.002,BNB;ETH,60d-eth,");
    expect(all).not.toContain("theirs");
  });

  it("streams 20,000 rows page by page with bounded memory", async () => {
    const bulk = await makeTrader();
    // Three rows per second, so pages break inside equal timestamps.
    await testDb.db.execute(sql`
      insert into orders (user_id, account_id, client_order_id, symbol, side, type, amount, filled, status, created_at)
      select ${bulk.userId}::uuid, ${bulk.accountId}::uuid, 'bulk-' || g, 'BTC/USDT', 'buy', 'market', '0.001', '0.001', 'filled',
             timestamptz '2030-01-01 00:00:00+00' + (g / 3) * interval '1 second'
      from generate_series(1, 20000) g`);
    session.userId = bulk.userId;
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let lines = 0;
    let chunks = 0;
    const seen = new Set<string>();
    const response = await GET(exportUrl());
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let tail = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      const parts = (tail + value).split("\r\n");
      tail = parts.pop()!;
      for (const line of parts) {
        lines += 1;
        const id = /,(bulk-\d+),/.exec(line)?.[1];
        if (id) seen.add(id);
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(lines).toBe(20_001);
    expect(seen.size).toBe(20_000);
    // A header chunk and one chunk per database page of 1,000.
    expect(chunks).toBe(21);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);
});
