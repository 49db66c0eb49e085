import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { exchangeAccounts, fills, orders, signals, strategies, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { useTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => {
  // No network in tests: the paper market walks on by itself.
  process.env.PAPER_PRICE_FEED = "simulated";
  return { userId: null as string | null };
});
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!session.userId) throw new AppError("unauthorized", "Please sign in again.");
    return { id: session.userId };
  },
}));

const { GET } = await import("@/app/api/charts/candles/route");

const testDb = useTestDatabase();
let signalId = "";
let n = 0;

async function makeTrader() {
  const db = testDb.db;
  n += 1;
  const [user] = await db.insert(users).values({ email: `chart-${n}@example.com`, name: `C${n}`, passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Paper ${n}` }).returning();
  const [strategy] = await db.insert(strategies).values({ userId: user!.id, name: `S${n}`, signalId, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "100" }).returning();
  return { userId: user!.id, accountId: account!.id, strategyId: strategy!.id };
}

let me: Awaited<ReturnType<typeof makeTrader>>;
let other: Awaited<ReturnType<typeof makeTrader>>;

beforeAll(async () => {
  const [signal] = await testDb.db.insert(signals).values({ name: "chart-signal", secretHash: "h", secretHint: "h" }).returning();
  signalId = signal!.id;
  me = await makeTrader();
  other = await makeTrader();
  const base = { userId: me.userId, accountId: me.accountId, strategyId: me.strategyId, symbol: "BTC/USDT", type: "market" as const, amount: "0.001" };
  const [entry] = await testDb.db.insert(orders).values({ ...base, clientOrderId: randomUUID(), side: "buy", leg: "buy", status: "filled", filled: "0.001", average: "60000.5" }).returning();
  await testDb.db.insert(fills).values({ orderId: entry!.id, strategyId: me.strategyId, accountId: me.accountId, userId: me.userId, symbol: "BTC/USDT", side: "buy", amount: "0.001", price: "60000.5", quoteValue: "60.0005", filledAfter: "0.001", at: new Date(Date.now() - 30_000) });
  await testDb.db.insert(orders).values({ ...base, clientOrderId: randomUUID(), side: "sell", leg: "tp", type: "limit", price: "66000", status: "open" });
  // Another trader's execution on the same symbol never shows on my chart.
  await testDb.db.insert(orders).values({ ...base, userId: other.userId, accountId: other.accountId, strategyId: other.strategyId, clientOrderId: randomUUID(), side: "buy", leg: "buy", status: "filled", filled: "0.001", average: "1" });
});

const get = (query: string) => GET(new NextRequest(`http://127.0.0.1:3000/api/charts/candles?${query}`));
const message = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

describe("GET /api/charts/candles", () => {
  it("answers my strategy's candles, executions and resting take-profit", async () => {
    session.userId = me.userId;
    const response = await get(`strategy=${me.strategyId}&timeframe=1m&limit=30`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { symbol: string; candles: { close: string }[]; markers: { kind: string; price: string }[]; levels: { kind: string; price: string }[]; unavailable: unknown };
    expect(body.symbol).toBe("BTC/USDT");
    expect(body.unavailable).toBeNull();
    expect(body.candles.length).toBeGreaterThanOrEqual(1);
    expect(body.candles.at(-1)!.close).toMatch(/^\d+(\.\d+)?$/);
    expect(body.markers).toEqual([expect.objectContaining({ kind: "entry", price: "60000.5", side: "buy" })]);
    expect(body.levels).toEqual([{ kind: "tp", price: "66000" }]);
  });

  it("finds nothing of another trader's, and says why", async () => {
    session.userId = me.userId;
    const theirs = await get(`strategy=${other.strategyId}`);
    expect(theirs.status).toBe(404);
    expect(await message(theirs)).toMatch(/strategy/i);
    const account = await get(`account=${other.accountId}&symbol=BTC/USDT`);
    expect(account.status).toBe(404);
    expect(await message(account)).toMatch(/account/i);
  });

  it("refuses a bad query with a 400 and a message, and no session with a 401", async () => {
    session.userId = me.userId;
    for (const query of [`strategy=${me.strategyId}&timeframe=2m`, `account=${me.accountId}`, `strategy=${me.strategyId}&account=${me.accountId}`, "strategy=not-a-uuid", `account=${me.accountId}&symbol=btc`, `strategy=${me.strategyId}&limit=100000`]) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect(await message(response)).toMatch(/^Invalid /);
    }
    session.userId = null;
    expect((await get(`strategy=${me.strategyId}`)).status).toBe(401);
  });
});
