import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { claimRebalanceLease, getRebalancer, listRuns, releaseRebalanceLease, saveRebalancer, setRunPlanOnce, startRun, updateRun, type RebalancerSettings } from "@/db/queries/rebalancer";
import { exchangeAccounts, notificationEvents, orders, rateLimitCounters, rebalanceRuns, rebalancers, strategyPositions, users } from "@/db/schema";
import { clientForAccount } from "@/lib/exchanges";
import { seedPaperBalances } from "@/lib/exchanges/paper";
import { currentValuation, maxDrift, rebalanceAccount, rebalanceDue } from "@/lib/rebalancer";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader } = tradingFixture(sim, testDb, "rebal");

beforeEach(async () => {
  sim.clearFaults();
  await testDb.db.delete(rateLimitCounters);
  await testDb.db.update(rebalancers).set({ enabled: false });
});

const TARGETS = [{ asset: "BTC", weight: "40" }, { asset: "ETH", weight: "40" }, { asset: "USDT", weight: "20" }];
const HOLDINGS = { USDT: "1000", BTC: "0.1", ETH: "1" }; // 10000 USDT at 60000 and 3000: 60/30/10

async function setUp(t: { userId: string; accountId: string }, settings: Partial<RebalancerSettings> = {}) {
  await saveRebalancer({
    userId: t.userId,
    accountId: t.accountId,
    settings: { quote: "USDT", targets: TARGETS, intervalHours: null, driftPct: null, minTradeQuote: "10", dryRun: false, enabled: false, ...settings },
  });
  return (await getRebalancer(t))!;
}

const simOrders = (t: Trader) => sim.account(t.apiKey).orders;

async function driftOf(t: { userId: string; accountId: string }) {
  const settings = (await getRebalancer(t))!;
  const [account] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, t.accountId));
  return new Decimal(maxDrift(await currentValuation(settings, await clientForAccount(account!))));
}

describe("rebalancer on the Binance simulator", () => {
  it("a dry run records the hand-worked plan and places nothing", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const outcome = await rebalanceAccount(await setUp(t), { trigger: "manual", dryRun: true });
    expect(outcome).toMatchObject({ status: "done" });
    const [run] = await listRuns(t);
    expect(run).toMatchObject({ dryRun: true, trigger: "manual", status: "done", orders: [] });
    expect(run!.valuation!.total).toBe("10000");
    expect(run!.plannedTrades!.map((p) => [p.side, p.symbol, p.amount])).toEqual([
      ["sell", "BTC/USDT", "0.03333"],
      ["buy", "ETH/USDT", "0.3333"],
    ]);
    expect(simOrders(t)).toEqual([]);
  });

  it("a live run sells first, then buys, and reaches the targets within one minimum trade", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const outcome = await rebalanceAccount(await setUp(t), { trigger: "manual" });
    expect(outcome).toMatchObject({ status: "done" });
    expect(simOrders(t).map((o) => [o.side, o.symbol, o.type])).toEqual([["SELL", "BTCUSDT", "MARKET"], ["BUY", "ETHUSDT", "MARKET"]]);
    const [run] = await listRuns(t);
    expect(run!.orders.map((o) => [o.side, o.status])).toEqual([["sell", "filled"], ["buy", "filled"]]);
    expect(run!.orders.every((o) => o.fees && Object.keys(o.fees).length > 0)).toBe(true);
    // Minimum trade 10 of 10000 is 0.1 point; fees add a little.
    expect((await driftOf(t)).lte("0.3")).toBe(true);
    const rows = await testDb.db.select().from(orders).where(eq(orders.accountId, t.accountId));
    expect(rows.every((r) => r.source === "rebalance")).toBe(true);
  });

  it("each finished run, live or dry, tells its owner once", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const settings = await setUp(t);
    const runEvents = () =>
      testDb.db.select().from(notificationEvents).where(and(eq(notificationEvents.userId, t.userId), eq(notificationEvents.type, "rebalance.run")));
    await rebalanceAccount(settings, { trigger: "manual", dryRun: true });
    const [dry] = await runEvents();
    expect(dry!.payload).toMatchObject({ status: "done", dry: true, planned: 2, placed: 0, skipped: 0 });

    const live = await rebalanceAccount(settings, { trigger: "manual" });
    expect(live).toMatchObject({ status: "done" });
    const events = await runEvents();
    expect(events).toHaveLength(2);
    const liveEvent = events.find((e) => e.dedupeKey === `rebalance.run:${live.runId}`);
    expect(liveEvent!.payload).toMatchObject({ status: "done", dry: false, planned: 2, placed: 2, skipped: 0, reason: null });
    // The finished run moved on again (the cron, a second click) tells nothing more.
    await rebalanceAccount(settings, { trigger: "manual", dryRun: true });
    expect((await runEvents()).filter((e) => e.payload.dry === false)).toHaveLength(1);
  });

  it("a run resumed after a crash places no order twice", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const settings = await setUp(t);
    await expect(
      rebalanceAccount(settings, {
        trigger: "manual",
        hooks: {
          afterLeg: () => {
            throw new Error("crash after the sell");
          },
        },
      }),
    ).rejects.toThrow("crash");
    const [crashed] = await testDb.db.select().from(rebalanceRuns).where(eq(rebalanceRuns.accountId, t.accountId));
    expect(crashed!.status).toBe("running");
    expect(simOrders(t)).toHaveLength(1);
    // A dry run asked for meanwhile does not move the live run on.
    expect(await rebalanceAccount(settings, { trigger: "manual", dryRun: true })).toMatchObject({ runId: crashed!.id, status: "busy" });
    expect(simOrders(t)).toHaveLength(1);
    // The worst moment: the sell's row still says `sending` though the venue filled it (its answer lost).
    await testDb.db.update(orders).set({ status: "sending", updatedAt: new Date(Date.now() - 120_000) }).where(eq(orders.accountId, t.accountId));

    const resumed = await rebalanceAccount(settings, { trigger: "manual" });
    expect(resumed).toMatchObject({ runId: crashed!.id, status: "done" });
    expect(simOrders(t).map((o) => o.side)).toEqual(["SELL", "BUY"]);
    expect(new Set(simOrders(t).map((o) => o.clientOrderId)).size).toBe(2);
    // Once more: the finished run places nothing.
    await rebalanceAccount(settings, { trigger: "manual", dryRun: true });
    expect(simOrders(t)).toHaveLength(2);
    expect(await testDb.db.select().from(rebalanceRuns).where(eq(rebalanceRuns.accountId, t.accountId))).toHaveLength(2);
  });

  it("a worker whose lease ran out stops before its next leg and never frees the lease a second worker took", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const settings = await setUp(t);
    const lapse = () => testDb.db.update(rebalancers).set({ leaseUntil: new Date(Date.now() - 1000) }).where(eq(rebalancers.accountId, t.accountId));
    const lease = async () => (await testDb.db.select({ until: rebalancers.leaseUntil, token: rebalancers.leaseToken }).from(rebalancers).where(eq(rebalancers.accountId, t.accountId)))[0]!;
    let workerB: string | null = null;
    // Worker A stalls after its sell for longer than its lease; worker B claims the lapsed lease meanwhile.
    const a = await rebalanceAccount(settings, {
      trigger: "manual",
      hooks: {
        afterLeg: async () => {
          await lapse();
          workerB = await claimRebalanceLease({ accountId: t.accountId, leaseMs: 60_000 });
        },
      },
    });
    expect(workerB).toBeTruthy();
    expect(a).toMatchObject({ status: "busy", reason: "lease_lost" });
    expect(simOrders(t).map((o) => o.side)).toEqual(["SELL"]);
    // A's release (in its finally) left B's lease alone: still B's, still running, so a third caller waits.
    expect(await lease()).toMatchObject({ token: workerB });
    expect((await lease()).until!.getTime()).toBeGreaterThan(Date.now());
    expect(await rebalanceAccount(settings, { trigger: "manual" })).toMatchObject({ runId: null, status: "busy" });
    // A stale release by token does nothing either; B's own does.
    expect(await releaseRebalanceLease({ accountId: t.accountId, token: "a-stale-token" })).toBe(false);
    expect(await lease()).toMatchObject({ token: workerB });
    expect(await releaseRebalanceLease({ accountId: t.accountId, token: workerB! })).toBe(true);
    expect(await lease()).toEqual({ until: null, token: null });
    // The run is moved on to the end by the next worker, its sell not placed twice.
    expect(await rebalanceAccount(settings, { trigger: "manual" })).toMatchObject({ runId: a.runId, status: "done" });
    expect(simOrders(t).map((o) => o.side)).toEqual(["SELL", "BUY"]);
  });

  it("a long run renews its lease before each leg, so it is not taken from it while it works", async () => {
    const t = await makeTrader({}, HOLDINGS);
    const settings = await setUp(t);
    const until: number[] = [];
    const outcome = await rebalanceAccount(settings, {
      trigger: "manual",
      hooks: {
        afterLeg: async () => {
          const [row] = await testDb.db.select({ until: rebalancers.leaseUntil }).from(rebalancers).where(eq(rebalancers.accountId, t.accountId));
          until.push(row!.until!.getTime());
          // Most of the lease spent on this leg: the renewal before the next one gives it back in full.
          await testDb.db.update(rebalancers).set({ leaseUntil: new Date(Date.now() + 1000) }).where(eq(rebalancers.accountId, t.accountId));
        },
      },
    });
    expect(outcome).toMatchObject({ status: "done" });
    expect(until).toHaveLength(2);
    expect(until[1]! - Date.now()).toBeGreaterThan(60_000);
  });

  it("leaves the coins the account's strategies booked out of the portfolio", async () => {
    const t = await makeTrader({}, HOLDINGS);
    await testDb.db.insert(strategyPositions).values({ strategyId: t.strategyId, amount: "0.05" });
    await rebalanceAccount(await setUp(t), { trigger: "manual", dryRun: true });
    const [run] = await listRuns(t);
    expect(run!.valuation!.holdings.find((h) => h.asset === "BTC")).toMatchObject({ amount: "0.05" });
    expect(run!.valuation!.total).toBe("7000");
  });

  it("counts a strategy's fill the venue reported but the book has not booked yet as the strategy's, not the portfolio's", async () => {
    const t = await makeTrader({}, HOLDINGS);
    await testDb.db.insert(strategyPositions).values({ strategyId: t.strategyId, amount: "0.05" });
    // A strategy buy of 0.02 BTC filled (its coins are in the balance), its fee not read yet: not booked.
    const base = { userId: t.userId, accountId: t.accountId, strategyId: t.strategyId, symbol: "BTC/USDT", type: "market" as const, source: "signal" as const };
    await testDb.db.insert(orders).values({ ...base, clientOrderId: "unbooked-buy", side: "buy", amount: "0.02", status: "filled", filled: "0.02", average: "60000", cost: "1200" });
    // A strategy sell of 0.01 BTC, half of it booked: the other 0.005 already left the balance.
    await testDb.db.insert(orders).values({ ...base, clientOrderId: "half-booked-sell", side: "sell", amount: "0.01", status: "filled", filled: "0.01", appliedFilled: "0.005", average: "60000", cost: "600" });
    await rebalanceAccount(await setUp(t), { trigger: "manual", dryRun: true });
    const [run] = await listRuns(t);
    // 0.1 on the venue less the strategy's 0.05 booked, 0.02 bought and 0.005 sold, not booked yet.
    expect(run!.valuation!.holdings.find((h) => h.asset === "BTC")).toMatchObject({ amount: "0.035" });
    expect(run!.valuation!.total).toBe("6100");
  });

  it("the user's switch pauses it: the run is skipped with the reason and nothing is placed", async () => {
    const t = await makeTrader({}, HOLDINGS);
    await testDb.db.update(users).set({ tradingEnabled: false }).where(eq(users.id, t.userId));
    const outcome = await rebalanceAccount(await setUp(t), { trigger: "manual" });
    expect(outcome).toMatchObject({ status: "skipped", reason: "trading_paused" });
    expect(simOrders(t)).toEqual([]);
  });

  it("the due pass: drift below the threshold does nothing; past it, a run; an interval fires on time", async () => {
    const t = await makeTrader({}, { USDT: "2000", BTC: "0.05", ETH: "1" }); // 3000/3000/2000: 37.5/37.5/25
    await setUp(t, { targets: [{ asset: "BTC", weight: "30" }, { asset: "ETH", weight: "35" }, { asset: "USDT", weight: "35" }], driftPct: "10", enabled: true });
    // Largest drift 10 points (USDT), not past a threshold of 10.
    await rebalanceDue();
    expect(await listRuns(t)).toEqual([]);
    await testDb.db.update(rebalancers).set({ driftPct: "5", driftCheckedAt: null }).where(eq(rebalancers.accountId, t.accountId));
    await rebalanceDue();
    const [run] = await listRuns(t);
    expect(run).toMatchObject({ trigger: "drift", status: "done" });
    // Checked just now: not read again until the drift interval passes.
    await rebalanceDue();
    expect(await listRuns(t)).toHaveLength(1);

    await testDb.db.update(rebalancers).set({ intervalHours: 4, driftPct: null, lastRunAt: new Date(Date.now() - 3 * 3_600_000) }).where(eq(rebalancers.accountId, t.accountId));
    await rebalanceDue();
    expect(await listRuns(t)).toHaveLength(1);
    await testDb.db.update(rebalancers).set({ lastRunAt: new Date(Date.now() - 5 * 3_600_000) }).where(eq(rebalancers.accountId, t.accountId));
    await rebalanceDue();
    expect((await listRuns(t))[0]).toMatchObject({ trigger: "interval" });
  });
});

describe("rebalancer on a paper account", () => {
  it("a live run buys to the targets from quote alone", async () => {
    const t = await makeTrader({}, { USDT: "10" });
    const [paper] = await testDb.db.insert(exchangeAccounts).values({ userId: t.userId, exchange: "paper", label: "Paper" }).returning();
    await seedPaperBalances(testDb.db, paper!.id, { USDT: "1000" });
    const owner = { userId: t.userId, accountId: paper!.id };
    const settings = await setUp(owner, { targets: [{ asset: "BTC", weight: "50" }, { asset: "USDT", weight: "50" }] });
    expect(await rebalanceAccount(settings, { trigger: "manual" })).toMatchObject({ status: "done" });
    const [run] = await listRuns(owner);
    expect(run!.orders).toMatchObject([{ side: "buy", symbol: "BTC/USDT", status: "filled" }]);
    expect((await driftOf(owner)).lte("1.5")).toBe(true);
  });

  it("a run's plan is stored once: a worker resuming it keeps the legs the first numbered its orders by", async () => {
    const t = await makeTrader({}, HOLDINGS);
    await setUp(t);
    const { run } = await startRun({ userId: t.userId, accountId: t.accountId, trigger: "manual", dryRun: false });
    const first = [{ leg: 0, side: "sell" as const, asset: "BTC", symbol: "BTC/USDT", amount: "0.02", value: "1200" }];
    const second = [{ leg: 0, side: "sell" as const, asset: "ETH", symbol: "ETH/USDT", amount: "0.3", value: "900" }];
    const kept = await setRunPlanOnce(run.id, { valuation: null, plannedTrades: first as never });
    expect(kept.plannedTrades).toEqual(first);
    const again = await setRunPlanOnce(run.id, { valuation: null, plannedTrades: second as never });
    expect(again.plannedTrades).toEqual(first);
    await updateRun(run.id, { status: "failed", finishedAt: new Date() });
  });
});

