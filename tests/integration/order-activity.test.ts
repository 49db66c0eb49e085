import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { listActivitySymbols, listOrderActivity, type ActivityRow } from "@/db/queries/activity";
import { exchangeAccounts, orders, signalEvents, signals, strategies, strategyExecutions, users } from "@/db/schema";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();

let signalId: string;
let n = 0;

async function makeTrader(symbol = "BTC/USDT") {
  const db = testDb.db;
  n += 1;
  const [user] = await db.insert(users).values({ email: `activity-${n}@example.com`, name: `A${n}`, passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Paper ${n}` }).returning();
  const [strategy] = await db
    .insert(strategies)
    .values({ userId: user!.id, name: `Strategy ${n}`, signalId, accountId: account!.id, symbol, sizingValue: "100" })
    .returning();
  return { userId: user!.id, accountId: account!.id, strategyId: strategy!.id };
}

type Trader = Awaited<ReturnType<typeof makeTrader>>;
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 12, minute));

async function order(t: Trader, minute: number, side: "buy" | "sell" = "buy", symbol = "BTC/USDT") {
  const [row] = await testDb.db
    .insert(orders)
    .values({ userId: t.userId, accountId: t.accountId, clientOrderId: randomUUID(), symbol, side, type: "market", amount: "1", status: "filled", createdAt: at(minute) })
    .returning();
  return row!;
}

async function execution(t: Trader, minute: number, values: { outcome: string; reason?: string; leg?: string; orderId?: string; symbol?: string; price?: string }) {
  const [event] = await testDb.db
    .insert(signalEvents)
    .values({ signalId, idempotencyKey: randomUUID(), action: values.leg ?? "buy", symbol: values.symbol ?? "BTC/USDT", rawSymbol: "X", price: values.price })
    .returning();
  await testDb.db.insert(strategyExecutions).values({
    strategyId: t.strategyId,
    eventId: event!.id,
    leg: values.leg ?? "buy",
    outcome: values.outcome,
    reason: values.reason ?? null,
    orderId: values.orderId ?? null,
    createdAt: at(minute),
  });
}

const describeRow = (r: ActivityRow) => (r.kind === "skip" ? `skip:${r.reason}` : `order:${r.side}`);

let me: Trader;
let other: Trader;

beforeAll(async () => {
  const [signal] = await testDb.db.insert(signals).values({ name: "activity-signal", secretHash: "h", secretHint: "h" }).returning();
  signalId = signal!.id;
  me = await makeTrader();
  other = await makeTrader();
  await order(me, 1);
  await execution(me, 2, { outcome: "skipped", reason: "no_price" });
  const sold = await order(me, 3, "sell");
  // Sent, or failed with an order: the order row stands for them.
  await execution(me, 3, { outcome: "sent", orderId: sold.id, leg: "sell" });
  await execution(me, 4, { outcome: "failed", reason: "invalid_order", orderId: sold.id, leg: "sell" });
  await execution(me, 5, { outcome: "failed", reason: "auth", leg: "sell", price: "101.5" });
  await execution(me, 6, { outcome: "waiting", reason: "network" });
  await execution(me, 7, { outcome: "skipped", reason: "symbol_off", symbol: "ETH/USDT" });
  // Another trader's orders and skips never show.
  await order(other, 8);
  await execution(other, 9, { outcome: "skipped", reason: "insufficient_balance" });
});

describe("listOrderActivity", () => {
  it("lists my orders and skipped signals together, newest first, and nobody else's", async () => {
    const all = await listOrderActivity({ userId: me.userId, view: "all" });
    expect(all.rows.map(describeRow)).toEqual(["skip:symbol_off", "skip:auth", "order:sell", "skip:no_price", "order:buy"]);
    expect(all.total).toBe(5);
    const skip = all.rows.find((r) => r.kind === "skip" && r.reason === "auth");
    expect(skip).toMatchObject({ kind: "skip", strategyName: "Strategy 1", accountLabel: "Paper 1", action: "sell", price: "101.5", outcome: "failed", test: false });
  });

  it("filters: orders only, skips only, by market and side; a status filter means orders", async () => {
    const onlyOrders = await listOrderActivity({ userId: me.userId, view: "orders" });
    expect(onlyOrders.rows.map(describeRow)).toEqual(["order:sell", "order:buy"]);
    const skips = await listOrderActivity({ userId: me.userId, view: "skips" });
    expect(skips.rows.map(describeRow)).toEqual(["skip:symbol_off", "skip:auth", "skip:no_price"]);
    expect(skips.total).toBe(3);
    const eth = await listOrderActivity({ userId: me.userId, view: "all", symbol: "ETH/USDT" });
    expect(eth.rows.map(describeRow)).toEqual(["skip:symbol_off"]);
    const sells = await listOrderActivity({ userId: me.userId, view: "all", side: "sell" });
    expect(sells.rows.map(describeRow)).toEqual(["skip:auth", "order:sell"]);
    const filled = await listOrderActivity({ userId: me.userId, view: "all", status: "filled" });
    expect(filled.rows.map(describeRow)).toEqual(["order:sell", "order:buy"]);
    const theirs = await listOrderActivity({ userId: other.userId, view: "skips" });
    expect(theirs.rows.map(describeRow)).toEqual(["skip:insufficient_balance"]);
  });

  it("pages across both kinds", async () => {
    const first = await listOrderActivity({ userId: me.userId, view: "all", pageSize: 2, page: 1 });
    const second = await listOrderActivity({ userId: me.userId, view: "all", pageSize: 2, page: 2 });
    const third = await listOrderActivity({ userId: me.userId, view: "all", pageSize: 2, page: 3 });
    expect([...first.rows, ...second.rows, ...third.rows].map(describeRow)).toEqual(["skip:symbol_off", "skip:auth", "order:sell", "skip:no_price", "order:buy"]);
    expect(first.total).toBe(5);
  });

  it("offers the markets of my orders and strategies", async () => {
    const eth = await makeTrader("ETH/USDT");
    await order(eth, 10, "buy", "SOL/USDT");
    expect(await listActivitySymbols(eth.userId)).toEqual(["ETH/USDT", "SOL/USDT"]);
  });
});
