import Decimal from "decimal.js";
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundingPayments, orders, signals, strategies, strategyExecutions, strategyPositions } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { fundingTiming } from "@/lib/engine/funding";
import { forgetLeverage } from "@/lib/engine/leverage";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { resetEnvForTests } from "@/lib/env";
import { forgetLiveClients } from "@/lib/exchanges";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { createUser } from "@/lib/users";
import type { PerpDesk } from "../simulator/perp-desk";
import type { useTestDatabase } from "../helpers/test-db";

/** What the suite needs of one venue's perpetual simulator (BTC at 60,000, 10,000 USDT margin per account). */
export interface PerpVenue {
  exchange: "binance" | "okx" | "bybit" | "bitget";
  start(): Promise<string>;
  stop(): Promise<void>;
  addAccount(apiKey: string): void;
  input(apiKey: string): Parameters<typeof addExchangeAccount>[1];
  desk: PerpDesk;
  /** Whether ccxt reads the margin mode from the venue's positions (Bybit's `tradeMode` is deprecated: not). */
  positionsShowMarginMode: boolean;
  /** Whether the venue's positions carry the leverage (Binance's positionRisk v3 does not: null). */
  positionsShowLeverage?: boolean;
  /** The venue's id of BTC/USDT:USDT. */
  btc: string;
  requests(): { method: string; path: string }[];
  /** Requests that set leverage and margin mode, in the venue's paths ("POST /api/v5/account/set-leverage"). */
  settingPaths: string[];
  orderPath: string;
  fundingPath: string;
  /** The venue accepts the next order but its answer never arrives. */
  loseNextAnswer(): void;
  /** The venue keeps the position's take-profit and stop-loss as conditional orders (else they are watched). */
  nativeTriggers?: boolean;
}

/**
 * A USDT-perpetual strategy on one venue, end to end through ccxt's own code and the venue's simulator:
 * leverage and margin mode set before the first order, a long, a reversal (reduce-only close, then the
 * short), a flat close, positions read, a lost answer resolved by client order id, funding booked once.
 */
export function perpVenueSuite(venue: PerpVenue, testDb: ReturnType<typeof useTestDatabase>) {
  const meta = { ip: null, userAgent: "vitest" };
  const apiKey = `${venue.exchange}-perp-trader`;
  let secret = "";
  let strategyId = "";
  let accountId = "";
  let url = "";

  async function post(body: Record<string, unknown>) {
    const queue = await getQueue();
    const answer = await ingestSignal({
      name: `${venue.exchange}-perps`,
      rawBody: JSON.stringify({ secret, symbol: "BTC/USDT:USDT", ...body }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    expect(answer.status).toBe(202);
    await drainSignals({ budgetMs: 15_000 });
    return String(answer.body.eventId);
  }

  const position = async () => (await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId)))[0]!;
  const rowsOf = (eventId: string) => testDb.db.select().from(orders).where(and(eq(orders.strategyId, strategyId), eq(orders.eventId, eventId))).orderBy(asc(orders.createdAt));
  const deskOrders = () => venue.desk.account(apiKey).orders;
  const contracts = () => venue.desk.position(apiKey, venue.btc).contracts.toFixed();
  const contractSize = () => venue.desk.market(venue.btc).contractSize;
  const base = (c: string) => new Decimal(c).mul(contractSize()).toFixed();

  beforeAll(async () => {
    url = await venue.start();
    Object.assign(process.env, {
      AUTH_SECRET: `${venue.exchange}-perps-auth-secret-0123456789abcdef`,
      ENCRYPTION_KEY: `${venue.exchange}-perps-master-key-0123456789abcdefg`,
      EXCHANGE_API_OVERRIDE: url,
      EXCHANGE_TIMEOUT_MS: "800",
    });
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
    resetEnvForTests();
    resetQueueForTests();
    forgetLeverage();
    (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
    lifecycleTiming.lookupGraceMs = 200;
    const generated = generateSignalSecret();
    secret = generated.secret;
    const [signal] = await testDb.db.insert(signals).values({ name: `${venue.exchange}-perps`, secretHash: generated.hash, secretHint: generated.hint }).returning();
    const userId = (await createUser({ name: "Pat", email: `pat-${venue.exchange}-perps@example.com`, passwordHash: "$argon2id$fake", autoApprove: true })).id;
    venue.addAccount(apiKey);
    const { account } = await addExchangeAccount(userId, venue.input(apiKey), meta);
    accountId = account.id;
    const strategy = await insertStrategy({ userId, name: "BTC perp", signalId: signal!.id, accountId, symbol: "BTC/USDT:USDT", sizingMode: "quote", sizingValue: "3000", leverage: 3, marginMode: "isolated" });
    strategyId = strategy.id;
  });
  afterAll(() => venue.stop());

  describe(`a USDT-perpetual strategy on ${venue.exchange}`, () => {
    it("opens a long after setting isolated margin and leverage 3 on the venue", async () => {
      await post({ action: "buy", position: "long", price: "60000", id: "p-1" });
      const paths = venue.requests().map((r) => `${r.method} ${r.path}`);
      const firstOrder = paths.indexOf(venue.orderPath);
      expect(firstOrder).toBeGreaterThan(-1);
      for (const setting of venue.settingPaths) expect(paths.indexOf(setting), setting).toBeGreaterThan(-1);
      for (const setting of venue.settingPaths) expect(paths.indexOf(setting), setting).toBeLessThan(firstOrder);
      expect(venue.desk.settings(apiKey, venue.btc)).toEqual({ leverage: 3, marginMode: "isolated" });
      // 3,000 USDT of notional at 60,000 is 0.05 BTC, in the venue's contracts.
      expect(base(contracts())).toBe("0.05");
      expect(deskOrders().map((o) => [o.side, o.reduceOnly, o.marginMode, o.status])).toEqual([["buy", false, "isolated", "filled"]]);
      const row = (await rowsOf((await testDb.db.select().from(orders).where(eq(orders.strategyId, strategyId)))[0]!.eventId!))[0]!;
      expect(deskOrders()[0]!.clientId).toBe(row.clientOrderId);
      expect((await position()).amount).toBe("0.05");
    });

    it("reads the position from the venue", async () => {
      const client = await createCcxtClient({ exchange: venue.exchange, marketType: "swap", sandbox: false, apiOverride: url, timeoutMs: 3_000, credentials: { apiKey, secret: `secret-of-${apiKey}`, password: `pass-of-${apiKey}` } });
      const positions = await client.positions!(["BTC/USDT:USDT"]);
      expect(positions.map((p) => [p.symbol, p.side, new Decimal(p.contracts).mul(p.contractSize).toFixed(), p.leverage ? Number(p.leverage) : null, p.marginMode])).toEqual([["BTC/USDT:USDT", "long", "0.05", venue.positionsShowLeverage === false ? null : 3, venue.positionsShowMarginMode ? "isolated" : null]]);
    });

    it("sell with a short target reverses: a reduceOnly close, then the short, each under its own client id", async () => {
      // A restarted process sets leverage and margin mode again: the venue's "not modified" is no error.
      forgetLeverage();
      venue.desk.setPrice(venue.btc, "62000");
      const eventId = await post({ action: "sell", position: "short", price: "62000", id: "p-2" });
      const sets = venue.requests().filter((r) => venue.settingPaths.includes(`${r.method} ${r.path}`));
      expect(sets.length).toBeGreaterThanOrEqual(2 * venue.settingPaths.length);
      const rows = await rowsOf(eventId);
      expect(rows.map((r) => [r.leg, r.side, r.reduceOnly, r.status])).toEqual([
        ["close", "sell", true, "filled"],
        ["sell", "sell", false, "filled"],
      ]);
      expect(deskOrders().slice(1).map((o) => [o.clientId, o.side, o.qty.toFixed(), o.reduceOnly])).toEqual(rows.map((r) => [r.clientOrderId, "sell", r.amount, r.reduceOnly]));
      const short = rows[1]!.amount;
      expect(contracts()).toBe(new Decimal(short).neg().toFixed());
      const pos = await position();
      expect(pos.amount).toBe(new Decimal(base(short)).neg().toFixed());
      // The long's 0.05 BTC from 60,000 to 62,000 made 100 USDT before fees.
      const fees = deskOrders().slice(0, 2).reduce((sum, o) => sum.add(o.fee), new Decimal(0));
      expect(pos.realizedPnl).toBe(new Decimal(100).sub(fees).toFixed());
    });

    it("buy with a flat target closes the short reduceOnly", async () => {
      venue.desk.setPrice(venue.btc, "61000");
      const eventId = await post({ action: "buy", position: "flat", price: "61000", id: "p-3" });
      const rows = await rowsOf(eventId);
      expect(rows.map((r) => [r.leg, r.side, r.reduceOnly, r.status])).toEqual([["close", "buy", true, "filled"]]);
      expect(contracts()).toBe("0");
      expect((await position()).amount).toBe("0");
      expect(deskOrders().map((o) => o.reduceOnly)).toEqual([false, true, false, true]);
      // What the venue realized, less its fees, is what was booked.
      const venuePnl = deskOrders().reduce((sum, o) => sum.add(o.pnl).sub(o.fee), new Decimal(0));
      expect((await position()).realizedPnl).toBe(venuePnl.toFixed());
    });

    it("an order whose answer is lost is found by its client order id and booked, never placed twice", async () => {
      venue.loseNextAnswer();
      const eventId = await post({ action: "buy", position: "long", price: "61000", id: "p-4" });
      const before = deskOrders().length;
      expect(before).toBe(5);
      await new Promise((r) => setTimeout(r, 300));
      await monitorOrders({ budgetMs: 10_000 });
      await drainSignals({ budgetMs: 10_000 });
      const rows = await rowsOf(eventId);
      expect(rows.map((r) => [r.leg, r.status])).toEqual([["buy", "filled"]]);
      expect(deskOrders()).toHaveLength(before);
      expect(deskOrders().at(-1)!.clientId).toBe(rows[0]!.clientOrderId);
      expect((await position()).amount).toBe(base(contracts()));
      const [execution] = await testDb.db.select().from(strategyExecutions).where(and(eq(strategyExecutions.strategyId, strategyId), eq(strategyExecutions.eventId, eventId)));
      expect(execution?.outcome).toMatch(/^(sent|waiting)$/);
    });

    it("books a funding payment once, from the venue's funding bills, after the position closed too", async () => {
      // The payment is for a funding time while the long was held; the position is closed before it is
      // read, so the monitor has no order or position of the account left to visit it for.
      const heldAt = Date.now();
      await post({ action: "sell", position: "flat", price: "61000", id: "p-5" });
      expect(contracts()).toBe("0");
      const before = (await position()).realizedPnl;
      venue.desk.addFunding(apiKey, venue.btc, "-1.25", heldAt);
      const every = fundingTiming.everyMs;
      fundingTiming.everyMs = 0;
      try {
        await monitorOrders({ budgetMs: 5_000 });
        await monitorOrders({ budgetMs: 5_000 });
      } finally {
        fundingTiming.everyMs = every;
      }
      expect(venue.requests().some((r) => `${r.method} ${r.path}` === venue.fundingPath)).toBe(true);
      const booked = await testDb.db.select().from(fundingPayments).where(eq(fundingPayments.strategyId, strategyId));
      expect(booked.map((b) => [b.symbol, b.amount])).toEqual([["BTC/USDT:USDT", "-1.25"]]);
      expect((await position()).realizedPnl).toBe(new Decimal(before).sub("1.25").toFixed());
    });

    it.runIf(venue.nativeTriggers)("a take-profit and a stop-loss rest at the venue as reduce-only conditional orders and fire with our servers down", async () => {
      await testDb.db.update(strategies).set({ takeProfitPct: "5", stopLossPct: "2" }).where(eq(strategies.id, strategyId));
      try {
        venue.desk.setPrice(venue.btc, "60000");
        await post({ action: "buy", position: "long", price: "60000", id: "p-6n" });
        // The monitor of another process (a client that never set the leverage) places what the entry's
        // protection left: each order carries the strategy's isolated margin, as the position does.
        await testDb.db.update(orders).set({ status: "canceled" }).where(and(eq(orders.strategyId, strategyId), inArray(orders.leg, ["tp", "sl"])));
        for (const o of deskOrders()) if (o.trigger && o.status === "open") o.status = "canceled";
        forgetLiveClients();
        forgetLeverage();
        await monitorOrders({ budgetMs: 10_000 });
        expect(await position()).toMatchObject({ protection: "protected", protectionNote: null });
        const resting = deskOrders().filter((o) => o.trigger && o.status === "open");
        expect(resting.map((o) => [o.side, o.reduceOnly, o.trigger!.direction, o.qty.toFixed(), o.marginMode]).sort()).toEqual([
          ["sell", true, "fall", contracts(), "isolated"],
          ["sell", true, "rise", contracts(), "isolated"],
        ]);
        // Our rows are those orders, under their client ids, at the levels from the average entry.
        const rows = (await testDb.db.select().from(orders).where(eq(orders.strategyId, strategyId))).filter((r) => r.status === "open" && (r.leg === "tp" || r.leg === "sl"));
        expect(rows.map((r) => r.clientOrderId).sort()).toEqual(resting.map((o) => o.clientId).sort());
        const average = new Decimal((await position()).costBasis).div((await position()).amount);
        const stop = resting.find((o) => o.trigger!.direction === "fall")!;
        expect(stop.trigger!.price.toNumber()).toBeCloseTo(average.mul("0.98").toNumber(), 0);
        // A pass with nothing changed places nothing more.
        await monitorOrders({ budgetMs: 10_000 });
        expect(deskOrders().filter((o) => o.trigger && o.status === "open")).toHaveLength(2);
        // The price falls through the stop: the venue closes the position by itself.
        venue.desk.setPrice(venue.btc, "58000");
        expect(contracts()).toBe("0");
        expect(stop.status).toBe("filled");
        // The next passes book the close and take the take-profit away.
        await monitorOrders({ budgetMs: 10_000 });
        await monitorOrders({ budgetMs: 10_000 });
        expect((await position()).amount).toBe("0");
        expect(deskOrders().filter((o) => o.status === "open")).toEqual([]);
        expect((await position()).protection).toBe("none");
      } finally {
        await testDb.db.update(strategies).set({ takeProfitPct: null, stopLossPct: null }).where(eq(strategies.id, strategyId));
      }
    });

    it.skipIf(venue.nativeTriggers)("a take-profit and a stop-loss the venue does not keep for us are watched: closed at market, reduce-only, once a level is crossed", async () => {
      await testDb.db.update(strategies).set({ takeProfitPct: "5", stopLossPct: "2" }).where(eq(strategies.id, strategyId));
      try {
        venue.desk.setPrice(venue.btc, "60000");
        await post({ action: "buy", position: "long", price: "60000", id: "p-6" });
        const opened = deskOrders().length;
        await monitorOrders({ budgetMs: 10_000 });
        expect(await position()).toMatchObject({ protection: "protected", protectionNote: "watched" });
        // Nothing rests at the venue, and a price between the levels closes nothing.
        venue.desk.setPrice(venue.btc, "59500");
        await monitorOrders({ budgetMs: 10_000 });
        expect(deskOrders()).toHaveLength(opened);
        // The stop-loss (2 % under the average entry) is crossed: one reduce-only close at market.
        venue.desk.setPrice(venue.btc, "58000");
        await monitorOrders({ budgetMs: 10_000 });
        expect(deskOrders()).toHaveLength(opened + 1);
        expect(deskOrders().map((o) => [o.side, o.reduceOnly, o.status]).at(-1)).toEqual(["sell", true, "filled"]);
        expect(contracts()).toBe("0");
        expect((await position()).amount).toBe("0");
        await monitorOrders({ budgetMs: 10_000 });
        expect(deskOrders()).toHaveLength(opened + 1);
        expect((await position()).protection).toBe("none");
      } finally {
        await testDb.db.update(strategies).set({ takeProfitPct: null, stopLossPct: null }).where(eq(strategies.id, strategyId));
      }
    });
  });
}
