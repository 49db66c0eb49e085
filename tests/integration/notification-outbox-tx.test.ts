import { and, eq, like } from "drizzle-orm";
import { createTranslator } from "next-intl";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "@/messages/en.json";
import type { OrderRow } from "@/db/schema";
import { auditLog, authTokens, notificationEvents, positionMismatches, signalEvents, strategies, strategyExecutions, symbolSwitches, userDevices, users } from "@/db/schema";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";
import { BinanceSimulator } from "../simulator/binance-simulator";

/**
 * Every notification is written in the transaction of the change that causes it (the outbox pattern):
 * a change that does not commit leaves no event, and an event that cannot be written never undoes its
 * change (it is counted instead).
 */

type FakeSession = {
  user: { id: string; role: number };
  sessionVersion: number;
  deviceId: string;
  deviceTrusted: boolean;
  emailVerified: boolean;
  sessionId: string;
  authTime: number;
  twoFactorSetup: boolean;
};
const session = vi.hoisted(() => ({ current: null as null | FakeSession }));
// The audit write that fails on demand: it comes after the event in each change, so it shows the event going back with it.
const audit = vi.hoisted(() => ({ failOn: null as string | null }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.41" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/db/queries/audit", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/queries/audit")>();
  return {
    ...original,
    writeAudit: async (...args: Parameters<typeof original.writeAudit>) => {
      if (audit.failOn && args[0].action === audit.failOn) throw new Error(`audit ${audit.failOn} refused`);
      return original.writeAudit(...args);
    },
  };
});

const { symbolSwitchAction, toggleStrategyAction, tradingSwitchAction } = await import("@/app/(dashboard)/dashboard/strategies/actions");
const { saveComparisons } = await import("@/db/queries/reconcile");
const { setSymbolSwitch, setTradingEnabled, updateStrategy } = await import("@/db/queries/strategies");
const { notifyMismatches, notifyStrategyStopped } = await import("@/lib/notifications/engine-events");
const { notifyOrderSkipped, notifyOrderStored } = await import("@/lib/notifications/order-events");
const { emitSafely } = await import("@/lib/notifications");
const { beginAttempt } = await import("@/lib/auth/attempts");
const { sendDeviceConfirmation } = await import("@/lib/auth/devices");
const { drainSignals } = await import("@/lib/engine");
const { metrics } = await import("@/lib/metrics/registry");
const { resetEnvForTests } = await import("@/lib/env");

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post } = tradingFixture(sim, testDb, "outboxtx");

const eventsOf = (userId: string, type: string) =>
  testDb.db.select().from(notificationEvents).where(and(eq(notificationEvents.userId, userId), eq(notificationEvents.type, type)));

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function signIn(userId: string) {
  await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
  const [device] = await testDb.db.insert(userDevices).values({ userId, deviceHash: `device-${userId}`, status: "trusted" }).returning();
  session.current = {
    user: { id: userId, role: 1 },
    sessionVersion: 0,
    deviceId: device!.id,
    deviceTrusted: true,
    emailVerified: true,
    sessionId: "00000000-0000-4000-8000-000000000041",
    authTime: Math.floor(Date.now() / 1000),
    twoFactorSetup: false,
  };
}

async function counter(name: string, labels: Record<string, string>) {
  const metric = await metrics().registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

beforeAll(() => {
  process.env.LOGIN_LOCKOUT_THRESHOLD = "3";
  process.env.LOGIN_LOCKOUT_MINUTES = "30";
  resetEnvForTests();
});

beforeEach(() => {
  audit.failOn = null;
});

describe("notification events in the transaction of their change", () => {
  it("a strategy, a symbol and all trading switched off: one strategy.stopped each, written with the switch", async () => {
    const t = await makeTrader();
    await signIn(t.userId);
    expect(await toggleStrategyAction({}, form({ strategyId: t.strategyId, enabled: "false", mode: "pause" }))).toMatchObject({ ok: true });
    expect(await symbolSwitchAction({}, form({ symbol: "BTC/USDT", enabled: "false", mode: "pause" }))).toMatchObject({ ok: true });
    expect(await tradingSwitchAction({}, form({ enabled: "false", mode: "pause" }))).toMatchObject({ ok: true });
    const stopped = await eventsOf(t.userId, "strategy.stopped");
    expect(stopped.map((e) => e.payload).sort((a, b) => String(a.scope).localeCompare(String(b.scope)))).toEqual([
      { scope: "all", strategy: "", reason: "kill_switch" },
      { scope: "strategy", strategy: expect.any(String), reason: "user" },
      { scope: "symbol", strategy: "BTC/USDT", reason: "kill_switch" },
    ]);
    // Turning back on is not news.
    expect(await toggleStrategyAction({}, form({ strategyId: t.strategyId, enabled: "true" }))).toMatchObject({ ok: true });
    expect(await eventsOf(t.userId, "strategy.stopped")).toHaveLength(3);
  });

  it("a switch that does not commit leaves no event behind", async () => {
    const t = await makeTrader();
    const boom = new Error("the change failed after its event was written");
    const stop = (scope: "strategy" | "symbol" | "all") => async (tx: Parameters<typeof notifyStrategyStopped>[0]) => {
      await notifyStrategyStopped(tx, { userId: t.userId, scope, strategy: "S", reason: "user", changeId: `${t.userId}:${scope}:failed` });
      throw boom;
    };
    await expect(updateStrategy(t.userId, t.strategyId, { enabled: false, keepsExits: false }, stop("strategy"))).rejects.toBe(boom);
    await expect(setSymbolSwitch(t.userId, "BTC/USDT", false, false, stop("symbol"))).rejects.toBe(boom);
    await expect(setTradingEnabled(t.userId, false, false, stop("all"))).rejects.toBe(boom);
    expect(await eventsOf(t.userId, "strategy.stopped")).toEqual([]);
    expect((await testDb.db.select({ enabled: strategies.enabled }).from(strategies).where(eq(strategies.id, t.strategyId)))[0]).toEqual({ enabled: true });
    expect(await testDb.db.select().from(symbolSwitches).where(eq(symbolSwitches.userId, t.userId))).toEqual([]);
    expect((await testDb.db.select({ on: users.tradingEnabled }).from(users).where(eq(users.id, t.userId)))[0]).toEqual({ on: true });
  });

  it("reconciliation's findings and their position.mismatch events are saved together, or neither", async () => {
    const t = await makeTrader();
    const finding = { market: "spot" as const, asset: "BTC", kind: "excess" as const, booked: "0", held: "1", difference: "1", tolerance: "0.00001", strategyIds: [t.strategyId] };
    const boom = new Error("saving the findings failed");
    await expect(
      saveComparisons({
        userId: t.userId,
        accountId: t.accountId,
        comparisons: [finding],
        onSaved: async (tx) => {
          await notifyMismatches(tx, t.accountId, "Main");
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(await testDb.db.select().from(positionMismatches).where(eq(positionMismatches.accountId, t.accountId))).toEqual([]);
    expect(await eventsOf(t.userId, "position.mismatch")).toEqual([]);

    await saveComparisons({ userId: t.userId, accountId: t.accountId, comparisons: [finding], onSaved: (tx) => notifyMismatches(tx, t.accountId, "Main") });
    const [saved] = await testDb.db.select().from(positionMismatches).where(eq(positionMismatches.accountId, t.accountId));
    expect((await eventsOf(t.userId, "position.mismatch")).map((e) => e.dedupeKey)).toEqual([`position.mismatch:${saved!.id}`]);
  });

  it("a new device: its links, audit entry and security event are written together, or none of them", async () => {
    const t = await makeTrader();
    const [device] = await testDb.db.insert(userDevices).values({ userId: t.userId, deviceHash: `new-${t.userId}`, status: "pending" }).returning();
    audit.failOn = "device.pending";
    await expect(sendDeviceConfirmation({ userId: t.userId, deviceId: device!.id, reason: "new" })).rejects.toThrow("refused");
    expect(await eventsOf(t.userId, "security.alert")).toEqual([]);
    expect(await testDb.db.select().from(authTokens).where(eq(authTokens.userId, t.userId))).toEqual([]);

    audit.failOn = null;
    await sendDeviceConfirmation({ userId: t.userId, deviceId: device!.id, reason: "new" });
    expect((await eventsOf(t.userId, "security.alert")).map((e) => e.payload)).toEqual([{ reason: "new_device" }]);
    expect(await testDb.db.select().from(authTokens).where(eq(authTokens.userId, t.userId))).toHaveLength(2);
  });

  it("a lockout: its audit entry and security event are written together, or neither", async () => {
    const meta = { ip: "203.0.113.41", userAgent: "vitest" };
    const lockOut = async (userId: string) => {
      for (let i = 0; i < 3; i++) await (await beginAttempt(userId, meta, "password"))!.fail();
    };
    const a = await makeTrader();
    audit.failOn = "login.lockout";
    await expect(lockOut(a.userId)).rejects.toThrow("refused");
    expect(await eventsOf(a.userId, "security.alert")).toEqual([]);

    audit.failOn = null;
    const b = await makeTrader();
    await lockOut(b.userId);
    expect((await eventsOf(b.userId, "security.alert")).map((e) => e.payload)).toEqual([{ reason: "lockout" }]);
    expect(await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, b.userId), eq(auditLog.action, "login.lockout")))).toHaveLength(1);
  });

  it("an event that cannot be written never undoes its change, and is counted", async () => {
    const t = await makeTrader();
    const before = await counter("signalbridge_notification_write_failures_total", { type: "strategy.stopped" });
    await updateStrategy(t.userId, t.strategyId, { name: "Renamed" }, async (tx) => {
      // A user that does not exist: the outbox row breaks its foreign key.
      await emitSafely(tx, { userId: "00000000-0000-4000-8000-00000000dead", type: "strategy.stopped", dedupeKey: `x:${t.strategyId}`, payload: {} });
    });
    expect((await testDb.db.select({ name: strategies.name }).from(strategies).where(eq(strategies.id, t.strategyId)))[0]).toEqual({ name: "Renamed" });
    expect(await counter("signalbridge_notification_write_failures_total", { type: "strategy.stopped" })).toBe(before + 1);
  });

  it("a skipped leg and a stored order read their names inside their savepoint: a failed read never aborts the change", async () => {
    const t = await makeTrader();
    const before = await counter("signalbridge_notification_write_failures_total", { type: "unknown" });
    await updateStrategy(t.userId, t.strategyId, { name: "Still saved" }, async (tx) => {
      // Not a uuid: the reads fail (outside a savepoint they would abort the whole transaction).
      await notifyOrderSkipped(tx, { strategyId: "not-a-uuid", eventId: "e", leg: "buy", reason: "paused" });
      const row = { id: "00000000-0000-4000-8000-0000000000aa", userId: t.userId, accountId: "not-a-uuid", strategyId: null, status: "filled", leg: "buy", symbol: "BTC/USDT", side: "buy" };
      await notifyOrderStored(tx, { ...row, amount: "1", filled: "1", average: "1", price: null, error: null } as unknown as OrderRow);
    });
    expect((await testDb.db.select({ name: strategies.name }).from(strategies).where(eq(strategies.id, t.strategyId)))[0]).toEqual({ name: "Still saved" });
    expect(await counter("signalbridge_notification_write_failures_total", { type: "unknown" })).toBe(before + 2);
  });

  it("a signal the engine gives up on for a refused key tells the trader the strategy stopped on an error, once", async () => {
    const t = await makeTrader({ sizingMode: "percent", sizingValue: "10" });
    // The venue no longer accepts the key's signatures: the balance read before any order is refused.
    (sim.account(t.apiKey) as { secret: string }).secret = "rotated-on-the-venue";
    const id = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "refused-1" });
    for (let i = 0; i < 10; i++) {
      await drainSignals({ budgetMs: 3_000 });
      const [row] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, id));
      if (row?.status !== "queued") break;
    }
    const [execution] = await testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.strategyId, t.strategyId));
    expect(execution).toMatchObject({ outcome: "failed", orderId: null });
    const stopped = await eventsOf(t.userId, "strategy.stopped");
    expect(stopped.map((e) => e.payload)).toEqual([{ scope: "strategy", strategy: expect.any(String), reason: "error", error: execution!.reason }]);
    expect(stopped[0]!.dedupeKey).toMatch(new RegExp(`^strategy\\.stopped:error:${t.strategyId}:`));
    // No order was written, so there is no order.rejected for it.
    expect(await testDb.db.select().from(notificationEvents).where(and(eq(notificationEvents.userId, t.userId), like(notificationEvents.type, "order.%")))).toEqual([]);
  });
});
