import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { exchangeAccounts, fills, orders, signals, strategies, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { useTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!session.userId) throw new AppError("unauthorized", "Please sign in again.");
    return { id: session.userId };
  },
}));

const { GET } = await import("@/app/(dashboard)/dashboard/orders/export/fills/route");

const testDb = useTestDatabase();
let signalId = "";
let n = 0;

async function makeTrader() {
  const db = testDb.db;
  n += 1;
  const [user] = await db.insert(users).values({ email: `fills-${n}@example.com`, name: `F${n}`, passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `@Paper, ${n}` }).returning();
  const [strategy] = await db.insert(strategies).values({ userId: user!.id, name: `+Swing ${n}`, signalId, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "100" }).returning();
  return { userId: user!.id, accountId: account!.id, strategyId: strategy!.id };
}
type Trader = Awaited<ReturnType<typeof makeTrader>>;

async function orderWithFills(t: Trader, values: Partial<typeof orders.$inferInsert>, increments: Partial<typeof fills.$inferInsert>[]) {
  const [order] = await testDb.db
    .insert(orders)
    .values({ userId: t.userId, accountId: t.accountId, clientOrderId: randomUUID(), symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", status: "filled", ...values })
    .returning();
  let filled = 0;
  for (const f of increments) {
    filled += 1;
    await testDb.db.insert(fills).values({ orderId: order!.id, strategyId: values.strategyId ?? null, accountId: t.accountId, userId: t.userId, symbol: order!.symbol, side: order!.side, amount: "0.5", price: "1", quoteValue: "0.5", filledAfter: String(filled), at: new Date(), ...f });
  }
  return order!;
}

const url = (query = "") => new NextRequest(`http://127.0.0.1:3000/dashboard/orders/export/fills${query}`);
let me: Trader;
let other: Trader;

beforeAll(async () => {
  const [signal] = await testDb.db.insert(signals).values({ name: "fills-signal", secretHash: "h", secretHint: "h" }).returning();
  signalId = signal!.id;
  me = await makeTrader();
  other = await makeTrader();
  await orderWithFills(me, { clientOrderId: "entry-1", strategyId: me.strategyId, leg: "buy" }, [
    { amount: "0.00012345", price: "65000.123456789012345678", quoteValue: "8.02426524074074", fees: { BTC: "0.00000012345" }, at: new Date("2030-01-02T10:00:00.123Z") },
    { amount: "0.1", price: "65001", quoteValue: "6500.1", fees: { BNB: "0.01", USDT: "0.5" }, feeQuote: "6.5", at: new Date("2030-01-02T10:00:01Z") },
  ]);
  await orderWithFills(me, { clientOrderId: "manual-eth", symbol: "ETH/USDT", side: "sell", status: "canceled" }, [{ amount: "1", price: "3000", quoteValue: "3000", at: new Date("2029-12-01T00:00:00Z") }]);
  await orderWithFills(other, { clientOrderId: "theirs", strategyId: other.strategyId }, [{ at: new Date("2030-01-02T10:00:00Z") }]);
});

describe("GET /dashboard/orders/export/fills", () => {
  it("refuses without a session and answers a bad filter with a 400", async () => {
    session.userId = null;
    expect((await GET(url())).status).toBe(401);
    session.userId = me.userId;
    const bad = await GET(url("?side=both"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("side");
  });

  it("streams my fills, newest first, exact and injection-safe, with the Orders page's filters", async () => {
    session.userId = me.userId;
    const response = await GET(url());
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="fills-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await response.text();
    const lines = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("time,account,strategy,symbol,side,amount,price,quote_value,fee,fee_currency,fee_in_quote,order_type,leg,order_status,client_order_id,fill_id");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^2030-01-02T10:00:01Z,"'@Paper, 1",'\+Swing 1,BTC\/USDT,buy,0\.1,65001,6500\.1,0\.01;0\.5,BNB;USDT,6\.5,market,buy,filled,entry-1,\d+$/);
    expect(lines[2]).toMatch(/^2030-01-02T10:00:00\.123Z,"'@Paper, 1",'\+Swing 1,BTC\/USDT,buy,0\.00012345,65000\.123456789012345678,8\.02426524074074,0\.00000012345,BTC,0,market,buy,filled,entry-1,\d+$/);
    expect(lines[3]).toMatch(/^2029-12-01T00:00:00Z,"'@Paper, 1",,ETH\/USDT,sell,1,3000,3000,,,0,market,,canceled,manual-eth,\d+$/);
    expect(text).not.toContain("theirs");
    const only = async (query: string) => (await (await GET(url(query))).text()).trimEnd().split("\r\n").length - 1;
    expect(await only(`?strategy=${me.strategyId}`)).toBe(2);
    expect(await only("?symbol=ETH/USDT")).toBe(1);
    expect(await only("?side=sell")).toBe(1);
    expect(await only("?status=canceled")).toBe(1);
    expect(await only("?status=skipped")).toBe(0);
    expect(await only(`?account=${other.accountId}`)).toBe(0);
    expect(await only(`?strategy=${other.strategyId}`)).toBe(0);
  });

  it("streams 100,000 fills page by page under 100 MB of memory growth", async () => {
    const bulk = await makeTrader();
    const order = await orderWithFills(bulk, { clientOrderId: "bulk" }, []);
    // Ten fills per second, so pages break inside equal timestamps.
    await testDb.db.execute(sql`
      insert into fills (order_id, account_id, user_id, symbol, side, amount, price, quote_value, filled_after, at)
      select ${order.id}::uuid, ${bulk.accountId}::uuid, ${bulk.userId}::uuid, 'BTC/USDT', 'buy', '0.001', '65000.5', '65.0005', g::numeric,
             timestamptz '2030-01-01 00:00:00+00' + (g / 10) * interval '1 second'
      from generate_series(1, 100000) g`);
    session.userId = bulk.userId;
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let lines = 0;
    let chunks = 0;
    const ids = new Set<string>();
    const reader = (await GET(url())).body!.pipeThrough(new TextDecoderStream()).getReader();
    let tail = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      const parts = (tail + value).split("\r\n");
      tail = parts.pop()!;
      for (const line of parts) {
        lines += 1;
        const id = /,(\d+)$/.exec(line)?.[1];
        if (id) ids.add(id);
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(lines).toBe(100_001);
    expect(ids.size).toBe(100_000);
    expect(chunks).toBe(101);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
  }, 240_000);
});
