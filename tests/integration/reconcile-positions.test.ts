import Decimal from "decimal.js";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { listAllOpenMismatches, listOpenMismatches, saveComparisons } from "@/db/queries/reconcile";
import { insertStrategy } from "@/db/queries/strategies";
import { accountReconciliations, exchangeAccounts, orders, positionMismatches, rateLimitCounters, strategyPositions } from "@/db/schema";
import { monitorOrders } from "@/lib/engine";
import { resetEnvForTests } from "@/lib/env";
import { ExchangeError, type ExchangeClient, type Market, type PositionLine } from "@/lib/exchanges";
import { seedPaperBalances } from "@/lib/exchanges/paper";
import { reconcileAccount, reconcileTiming } from "@/lib/reconcile";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader } = tradingFixture(sim, testDb, "reconcile");

beforeEach(async () => {
  sim.clearFaults();
  await testDb.db.delete(rateLimitCounters);
});

async function book(strategyId: string, amount: string) {
  await testDb.db.insert(strategyPositions).values({ strategyId, amount }).onConflictDoUpdate({ target: strategyPositions.strategyId, set: { amount } });
}

function holdBtc(t: Trader, free: string, locked = "0") {
  sim.account(t.apiKey).balances.set("BTC", { free: new Decimal(free), locked: new Decimal(locked) });
}

async function accountOf(t: { userId: string; accountId: string }) {
  return (await getAccountForTrading(t.userId, t.accountId))!;
}

async function reconcile(t: { userId: string; accountId: string }, client?: ExchangeClient) {
  return reconcileAccount(await accountOf(t), { force: true, client });
}

async function findingsOf(accountId: string) {
  return testDb.db.select().from(positionMismatches).where(eq(positionMismatches.accountId, accountId));
}

const open = async (accountId: string) => (await findingsOf(accountId)).filter((f) => !f.resolvedAt);

describe("spot: the strategies' booked sum must be covered by the account's balance", () => {
  it("flags a shortfall with the booked, held and difference figures of every strategy on the asset", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    const second = await insertStrategy({ userId: t.userId, name: "second", signalId: t.signalId, accountId: t.accountId, symbol: "BTC/USDT", sizingMode: "quote", sizingValue: "100" });
    await book(t.strategyId, "0.01");
    await book(second.id, "0.002");
    holdBtc(t, "0.006", "0.001"); // free + used = 0.007

    expect(await reconcile(t)).toMatchObject({ outcome: "reconciled", open: 1 });
    const [finding] = await open(t.accountId);
    expect(finding).toMatchObject({ userId: t.userId, market: "spot", asset: "BTC", kind: "shortfall", booked: "0.012", held: "0.007", difference: "-0.005", tolerance: "0.00001" });
    expect(finding!.strategyIds.sort()).toEqual([t.strategyId, second.id].sort());
  });

  it("does not flag coins the trader holds beyond what the strategies booked, nor a shortfall of one amount step", async () => {
    const extra = await makeTrader({}, { USDT: "1000" });
    await book(extra.strategyId, "0.01");
    holdBtc(extra, "0.5");
    expect(await reconcile(extra)).toMatchObject({ outcome: "reconciled", open: 0 });

    const dust = await makeTrader({}, { USDT: "1000" });
    await book(dust.strategyId, "0.01");
    holdBtc(dust, "0.00999"); // one step (0.00001) short: dust
    await reconcile(dust);
    expect(await findingsOf(dust.accountId)).toEqual([]);
    holdBtc(dust, "0.00998"); // two steps short: a difference
    await reconcile(dust);
    expect(await open(dust.accountId)).toMatchObject([{ difference: "-0.00002" }]);
  });

  it("updates one open finding in place and resolves it when the balance comes back", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.004");
    await reconcile(t);
    const [first] = await open(t.accountId);
    holdBtc(t, "0.003");
    await reconcile(t);
    const rows = await findingsOf(t.accountId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first!.id, held: "0.003", difference: "-0.007", firstSeenAt: first!.firstSeenAt });
    expect(rows[0]!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first!.lastSeenAt.getTime());

    holdBtc(t, "0.01");
    expect(await reconcile(t)).toMatchObject({ outcome: "reconciled", resolved: 1 });
    expect(await open(t.accountId)).toEqual([]);
    expect((await findingsOf(t.accountId))[0]!.resolvedAt).toBeInstanceOf(Date);
  });

  it("a venue error neither creates nor resolves a finding, and leaves the account due again soon", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.004");
    await reconcile(t);
    const before = await findingsOf(t.accountId);

    holdBtc(t, "0.01"); // would resolve it
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/account", count: 10, apiKey: t.apiKey });
    expect(await reconcile(t)).toMatchObject({ outcome: "venue_error" });
    expect(await findingsOf(t.accountId)).toEqual(before);
    const [state] = await testDb.db.select().from(accountReconciliations).where(eq(accountReconciliations.accountId, t.accountId));
    expect(state).toMatchObject({ lastError: "exchange_down", leaseUntil: null });
    expect(state!.nextAt!.getTime() - Date.now()).toBeLessThanOrEqual(reconcileTiming.retryMs);

    const fresh = await makeTrader({}, { USDT: "1000" });
    await book(fresh.strategyId, "0.01");
    sim.injectFault({ kind: "status", status: 429, retryAfter: 1, path: "/api/v3/account", count: 10, apiKey: fresh.apiKey });
    expect(await reconcile(fresh)).toMatchObject({ outcome: "venue_error" });
    expect(await findingsOf(fresh.accountId)).toEqual([]);
  });

  it("leaves an asset with an order in flight alone (its fill may not be booked yet)", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.004");
    await testDb.db.insert(orders).values({ userId: t.userId, accountId: t.accountId, strategyId: t.strategyId, clientOrderId: "inflight-1", symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.006", status: "sending" });
    expect(await reconcile(t)).toMatchObject({ outcome: "reconciled", unsettled: ["BTC"] });
    expect(await findingsOf(t.accountId)).toEqual([]);
  });

  it("two runs at once make one finding", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.004");
    const account = await accountOf(t);
    const runs = await Promise.all([reconcileAccount(account, { force: true }), reconcileAccount(account, { force: true })]);
    expect(runs.map((r) => r.outcome).sort()).toEqual(["reconciled", "skipped"]);
    // Even past the lease, two writers of the same finding keep one open row.
    const values = { market: "spot" as const, asset: "BTC", kind: "shortfall" as const, booked: "0.01", held: "0.004", difference: "-0.006", tolerance: "0.00001", strategyIds: [t.strategyId] };
    await Promise.all([1, 2, 3].map(() => saveComparisons({ userId: t.userId, accountId: t.accountId, comparisons: [values] })));
    expect(await open(t.accountId)).toHaveLength(1);
  });

  it("runs from the order monitor's pass, at most once per interval", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.004");
    await monitorOrders({ budgetMs: 5_000 });
    expect(await open(t.accountId)).toHaveLength(1);
    holdBtc(t, "0.01");
    await monitorOrders({ budgetMs: 5_000 });
    expect(await open(t.accountId)).toHaveLength(1); // not due again yet
  });

  it("reconciles paper accounts too (their balance is ours: a difference is a bug signal)", async () => {
    const t = await makeTrader({}, { USDT: "1000" });
    const [paper] = await testDb.db.insert(exchangeAccounts).values({ userId: t.userId, exchange: "paper", label: "Paper" }).returning();
    await seedPaperBalances(testDb.db, paper!.id, { USDT: "1000", BTC: "0.004" });
    const s = await insertStrategy({ userId: t.userId, name: "paper", signalId: t.signalId, accountId: paper!.id, symbol: "BTC/USDT", sizingMode: "quote", sizingValue: "100" });
    await book(s.id, "0.01");
    expect(await reconcile({ userId: t.userId, accountId: paper!.id })).toMatchObject({ outcome: "reconciled", open: 1 });
    expect(await open(paper!.id)).toMatchObject([{ asset: "BTC", booked: "0.01", held: "0.004" }]);
  });
});

describe("scoping", () => {
  it("a trader sees only their own findings; the admin list has everyone's", async () => {
    const a = await makeTrader({}, { USDT: "1000" });
    const b = await makeTrader({}, { USDT: "1000" });
    for (const t of [a, b]) {
      await book(t.strategyId, "0.01");
      holdBtc(t, "0.001");
      await reconcile(t);
    }
    const mine = await listOpenMismatches({ userId: a.userId });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m) => m.accountId === a.accountId)).toBe(true);
    const all = await listAllOpenMismatches({ limit: 100 });
    expect(all.rows.map((r) => r.accountId)).toEqual(expect.arrayContaining([a.accountId, b.accountId]));
    expect(all.total).toBeGreaterThanOrEqual(2);
  });
});

/** A USDT-perpetual client with one BTC market (contract 0.01 BTC, step 1 contract) and positions we set. */
function perpClient(state: { positions: PositionLine[]; fail?: boolean }): ExchangeClient {
  const market: Market = { symbol: "BTC/USDT:USDT", id: "BTCUSDT", base: "BTC", quote: "USDT", type: "swap", amountStep: "1", priceStep: "0.1", minAmount: "1", maxAmount: null, minCost: null, contractSize: "0.01" };
  // Only what reconciliation reads: a call to anything else (an order) fails the test.
  const client: Pick<ExchangeClient, "exchange" | "marketType" | "market" | "markets" | "positions"> = {
    exchange: "bybit",
    marketType: "swap",
    market: async () => market,
    markets: async () => [market],
    positions: async () => {
      if (state.fail) throw new ExchangeError("rate_limited", "slow down", 5);
      return state.positions;
    },
  };
  return client as ExchangeClient;
}

const line = (side: "long" | "short", contracts: string): PositionLine => ({ symbol: "BTC/USDT:USDT", side, contracts, contractSize: "0.01", entryPrice: null, unrealizedPnl: null, leverage: "3", marginMode: "isolated" });

describe("perpetuals: the net position per symbol must equal the strategies' booked sum", () => {
  it("flags both directions in base units, leaves findings alone on a venue error, resolves when equal", async () => {
    const t = await makeTrader({ symbol: "BTC/USDT:USDT" }, { USDT: "1000" });
    await book(t.strategyId, "0.05");
    const state: { positions: PositionLine[]; fail?: boolean } = { positions: [line("long", "3")] };
    const client = perpClient(state);

    await reconcile(t, client);
    expect(await open(t.accountId)).toMatchObject([{ market: "swap", asset: "BTC/USDT:USDT", kind: "shortfall", booked: "0.05", held: "0.03", difference: "-0.02", tolerance: "0.01" }]);

    state.positions = [line("long", "8")];
    await reconcile(t, client);
    expect(await open(t.accountId)).toMatchObject([{ kind: "excess", held: "0.08", difference: "0.03" }]);

    state.fail = true;
    state.positions = [line("long", "5")];
    expect(await reconcile(t, client)).toMatchObject({ outcome: "venue_error", code: "rate_limited" });
    expect(await open(t.accountId)).toMatchObject([{ kind: "excess", held: "0.08" }]);

    // A booked short against a venue short of the same size agrees.
    state.fail = false;
    await book(t.strategyId, "-0.05");
    state.positions = [line("short", "5")];
    await reconcile(t, client);
    expect(await open(t.accountId)).toEqual([]);

    // A position with nothing booked is a difference too.
    await book(t.strategyId, "0");
    state.positions = [line("short", "2")];
    await reconcile(t, client);
    expect(await open(t.accountId)).toMatchObject([{ kind: "shortfall", booked: "0", held: "-0.02" }]);
  });
});

describe("the cron route", () => {
  it("refuses a wrong bearer token and reconciles the due accounts with the right one", async () => {
    process.env.CRON_SECRET = "reconcile-cron-secret-0123456789";
    resetEnvForTests();
    const { GET } = await import("@/app/api/cron/reconcile/route");
    const t = await makeTrader({}, { USDT: "1000" });
    await book(t.strategyId, "0.01");
    holdBtc(t, "0.002");

    const refused = await GET(new Request("http://localhost/api/cron/reconcile", { headers: { authorization: "Bearer wrong" } }));
    expect(refused.status).toBe(401);
    expect(await findingsOf(t.accountId)).toEqual([]);

    const ran = await GET(new Request("http://localhost/api/cron/reconcile", { headers: { authorization: "Bearer reconcile-cron-secret-0123456789" } }));
    expect(ran.status).toBe(200);
    expect(await open(t.accountId)).toMatchObject([{ asset: "BTC", booked: "0.01", held: "0.002" }]);
  });
});
