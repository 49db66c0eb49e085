import Decimal from "decimal.js";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orders, signals, strategyPositions, type OrderRow } from "@/db/schema";
import { insertStrategy, setTradingEnabled, updateStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { createUser } from "@/lib/users";
import type { useTestDatabase } from "../helpers/test-db";

/** What the suite needs of one venue's simulator (BTC/USDT at 60000, 50000 USDT per account). */
export interface NativeVenue {
  exchange: "okx" | "bybit" | "bitget";
  start(): Promise<string>;
  stop(): Promise<void>;
  addAccount(apiKey: string): void;
  input(apiKey: string): Parameters<typeof addExchangeAccount>[1];
  setPrice(price: string): void;
  /** BTC the account holds on the venue, free and locked. */
  baseHeld(apiKey: string): string;
  /** Client ids of the protective (trigger, algo, plan) orders waiting on the venue. */
  waiting(apiKey: string): string[];
  /** Every protective order the venue ever accepted for the account (client ids, with repeats). */
  everPlaced(apiKey: string): string[];
  /** The ids the venue keeps a native pair under. */
  pairIds(tp: OrderRow, sl: OrderRow): string[];
  /** The venue accepts the next protective order but its answer never arrives. */
  loseNextAnswer(): void;
  /** Sell orders the venue filled for the account. */
  filledSells(apiKey: string): number;
  /** Where the venue leaves the other leg waiting when one fires: its next cancel request fails (a 503). */
  failNextCancel?(): void;
}

/**
 * Exchange-native take-profit and stop-loss on one venue, end to end through ccxt and its simulator: the
 * pair rests there under our client order ids, fires with our servers down, is booked by the order
 * monitor through the one lifecycle, and goes before a sell signal's sell or at the kill switch.
 */
export function nativeProtectionSuite(venue: NativeVenue, testDb: ReturnType<typeof useTestDatabase>) {
  const meta = { ip: null, userAgent: "vitest" };
  let n = 0;

  beforeAll(async () => {
    const url = await venue.start();
    Object.assign(process.env, {
      AUTH_SECRET: `${venue.exchange}-native-auth-secret-0123456789abcdef`,
      ENCRYPTION_KEY: `${venue.exchange}-native-master-key-0123456789abcdefg`,
      EXCHANGE_API_OVERRIDE: url,
      EXCHANGE_TIMEOUT_MS: "800",
    });
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
    resetEnvForTests();
    resetQueueForTests();
    (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
    lifecycleTiming.lookupGraceMs = 200;
  });
  afterAll(() => venue.stop());
  beforeEach(() => venue.setPrice("60000"));

  async function trader(exits: { takeProfitPct: string | null; stopLossPct: string | null } = { takeProfitPct: "5", stopLossPct: "5" }) {
    const i = ++n;
    const apiKey = `${venue.exchange}-native-${i}`;
    venue.addAccount(apiKey);
    const { secret, hash, hint } = generateSignalSecret();
    const [signal] = await testDb.db.insert(signals).values({ name: `${venue.exchange}-native-${i}`, secretHash: hash, secretHint: hint }).returning();
    const user = await createUser({ name: `n${i}`, email: `${venue.exchange}-native-${i}@example.com`, passwordHash: "$argon2id$fake", autoApprove: true });
    const { account } = await addExchangeAccount(user.id, venue.input(apiKey), meta);
    const strategy = await insertStrategy({ userId: user.id, name: `n${i}`, signalId: signal!.id, accountId: account.id, symbol: "BTC/USDT", sizingMode: "quote", sizingValue: "600", ...exits });
    return { apiKey, userId: user.id, strategyId: strategy.id, signalName: signal!.name, secret };
  }
  type Trader = Awaited<ReturnType<typeof trader>>;

  async function post(t: Trader, body: Record<string, unknown>) {
    const queue = await getQueue();
    const answer = await ingestSignal({
      name: t.signalName,
      rawBody: JSON.stringify({ secret: t.secret, ...body }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    expect(answer.status).toBe(202);
    await drainSignals({ budgetMs: 10_000 });
    return String(answer.body.eventId);
  }

  async function latest(strategyId: string, leg: "tp" | "sl" | "sell") {
    const [row] = await testDb.db.select().from(orders).where(and(eq(orders.strategyId, strategyId), eq(orders.leg, leg))).orderBy(desc(orders.createdAt)).limit(1);
    return row;
  }
  async function position(strategyId: string) {
    const [row] = await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
    return row!;
  }

  async function protectedEntry(t: Trader) {
    await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `${t.apiKey}-buy` });
    const tp = (await latest(t.strategyId, "tp"))!;
    const sl = (await latest(t.strategyId, "sl"))!;
    return { tp, sl };
  }

  describe(`exchange-native protection on ${venue.exchange}`, () => {
    it("an entry that fills gets its take-profit and stop-loss on the venue, under our client order ids", async () => {
      const t = await trader();
      const { tp, sl } = await protectedEntry(t);
      const held = (await position(t.strategyId)).amount;
      expect(held).toBe(venue.baseHeld(t.apiKey));
      expect(tp).toMatchObject({ type: "limit", status: "open", amount: held });
      expect(sl).toMatchObject({ type: "stop_limit", status: "open", amount: held, listClientOrderId: tp.listClientOrderId });
      expect(tp.listClientOrderId).toBeTruthy();
      expect(venue.waiting(t.apiKey).sort()).toEqual(venue.pairIds(tp, sl).sort());
      expect(await position(t.strategyId)).toMatchObject({ protection: "protected" });
      // Another monitor pass changes nothing.
      await monitorOrders({ budgetMs: 10_000 });
      expect(venue.everPlaced(t.apiKey).sort()).toEqual(venue.pairIds(tp, sl).sort());
    });

    it("a protective order whose answer is lost is found by its client order id, never placed twice", async () => {
      const t = await trader({ takeProfitPct: null, stopLossPct: null });
      await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `${t.apiKey}-buy` });
      await updateStrategy(t.userId, t.strategyId, { takeProfitPct: "5", stopLossPct: "5" });
      venue.loseNextAnswer();
      await monitorOrders({ budgetMs: 10_000 });
      await new Promise((r) => setTimeout(r, 300));
      await monitorOrders({ budgetMs: 10_000 });
      const tp = (await latest(t.strategyId, "tp"))!;
      const sl = (await latest(t.strategyId, "sl"))!;
      expect([tp.status, sl.status]).toEqual(["open", "open"]);
      expect(venue.everPlaced(t.apiKey).sort()).toEqual(venue.pairIds(tp, sl).sort());
      expect(venue.waiting(t.apiKey).sort()).toEqual(venue.pairIds(tp, sl).sort());
      expect(await position(t.strategyId)).toMatchObject({ protection: "protected" });
    });

    it("the stop fires on the venue with our servers down; the monitor books it and the take-profit is gone", async () => {
      const t = await trader();
      const { tp, sl } = await protectedEntry(t);
      const held = (await position(t.strategyId)).amount;
      // Nothing of ours runs while the price falls through the stop: the venue sells by itself.
      venue.setPrice("58000");
      venue.setPrice("57000");
      expect(venue.baseHeld(t.apiKey)).toBe("0");
      expect(venue.filledSells(t.apiKey)).toBe(1);
      await monitorOrders({ budgetMs: 10_000 });
      expect(await latest(t.strategyId, "sl")).toMatchObject({ id: sl.id, status: "filled", filled: held });
      expect((await latest(t.strategyId, "tp"))!.status).toMatch(/^(canceled|expired)$/);
      expect(venue.waiting(t.apiKey)).toEqual([]);
      const p = await position(t.strategyId);
      expect(p).toMatchObject({ amount: "0", protection: "none" });
      // Sold at 57000 less the venue's 0.1 % fee in USDT, against the 600 USDT the entry cost.
      expect(new Decimal(p.realizedPnl).toFixed()).toBe(new Decimal(held).mul("57000").mul("0.999").sub(600).toFixed());
      // Back up past the take-profit: nothing is left to sell twice.
      venue.setPrice("64000");
      expect(venue.filledSells(t.apiKey)).toBe(1);
      expect(tp.id).toBeTruthy();
    });

    it.runIf(venue.failNextCancel)("the leg left waiting after the stop fired is canceled by the monitor, again until the venue confirms", async () => {
      const t = await trader();
      const { tp } = await protectedEntry(t);
      venue.setPrice("57000");
      expect(venue.waiting(t.apiKey)).toEqual([tp.clientOrderId]);
      venue.failNextCancel!();
      await monitorOrders({ budgetMs: 10_000 });
      expect(await position(t.strategyId)).toMatchObject({ amount: "0", protectionNote: expect.stringMatching(/^removing:/) });
      expect(venue.waiting(t.apiKey)).toEqual([tp.clientOrderId]);
      await monitorOrders({ budgetMs: 10_000 });
      expect(venue.waiting(t.apiKey)).toEqual([]);
      expect(await latest(t.strategyId, "tp")).toMatchObject({ id: tp.id, status: "canceled" });
      expect(await position(t.strategyId)).toMatchObject({ protection: "none", protectionNote: null });
      venue.setPrice("64000");
      expect(venue.filledSells(t.apiKey)).toBe(1);
    });

    it("a sell signal takes the native pair off the venue before it sells", async () => {
      const t = await trader();
      const { tp, sl } = await protectedEntry(t);
      await post(t, { action: "sell", symbol: "BTC/USDT", price: "60000", id: `${t.apiKey}-sell` });
      expect(await latest(t.strategyId, "sell")).toMatchObject({ status: "filled" });
      for (const row of [tp, sl]) expect((await testDb.db.select().from(orders).where(eq(orders.id, row.id)))[0]!.status).toBe("canceled");
      expect(venue.waiting(t.apiKey)).toEqual([]);
      expect(venue.baseHeld(t.apiKey)).toBe("0");
      expect(await position(t.strategyId)).toMatchObject({ amount: "0" });
    });

    it("the kill switch cancels the native pair on the venue", async () => {
      const t = await trader();
      await protectedEntry(t);
      await setTradingEnabled(t.userId, false, false);
      const { cancelOpenOrders } = await import("@/lib/engine/kill");
      expect(await cancelOpenOrders(t.userId)).toEqual({ canceled: 2, failed: 0 });
      expect(venue.waiting(t.apiKey)).toEqual([]);
      venue.setPrice("50000");
      expect(venue.filledSells(t.apiKey)).toBe(0);
      await monitorOrders({ budgetMs: 10_000 });
      expect(await position(t.strategyId)).toMatchObject({ protection: "unprotected", protectionNote: "trading_off" });
      expect(venue.waiting(t.apiKey)).toEqual([]);
    });

    it("cancel-all for a symbol takes the venue's trigger orders too", async () => {
      const t = await trader();
      await protectedEntry(t);
      expect(venue.waiting(t.apiKey).length).toBeGreaterThan(0);
      const { getAccountForTrading } = await import("@/db/queries/exchange-accounts");
      const { clientForAccount } = await import("@/lib/exchanges");
      const [row] = await testDb.db.select().from(orders).where(eq(orders.strategyId, t.strategyId)).limit(1);
      const client = await clientForAccount((await getAccountForTrading(t.userId, row!.accountId))!);
      expect(await client.cancelAllOrders("BTC/USDT")).toBeGreaterThan(0);
      expect(venue.waiting(t.apiKey)).toEqual([]);
    });
  });
}
