import { beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import messages from "@/messages/en.json";
import { exchangeAccounts, signals, strategies, symbolSwitches, userDevices, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

// Leaving "stop everything" and placing a manual order need a password proved within 10 minutes.
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
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.9" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { symbolSwitchAction, toggleStrategyAction, tradingSwitchAction } = await import("@/app/(dashboard)/dashboard/strategies/actions");
const { placeOrderAction } = await import("@/app/(dashboard)/dashboard/accounts/actions");
const testDb = useTestDatabase();

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const REAUTH = { reauth: true, message: "For your security, confirm it is you: enter your password again." };

describe("step-up for leaving \"stop everything\" and for manual orders", () => {
  let userId = "";
  let deviceId = "";
  let strategyId = "";
  let accountId = "";

  beforeAll(async () => {
    userId = (await createUser({ name: "Tess", email: "tess@example.com", passwordHash: "x", autoApprove: true })).id;
    await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
    deviceId = (await testDb.db.insert(userDevices).values({ userId, deviceHash: "tess-device", status: "trusted" }).returning())[0]!.id;
    const [signal] = await testDb.db.insert(signals).values({ name: "step-up-sig", secretHash: "h", secretHint: "x" }).returning();
    accountId = (await testDb.db.insert(exchangeAccounts).values({ userId, exchange: "paper", label: "Paper" }).returning())[0]!.id;
    strategyId = (
      await testDb.db.insert(strategies).values({ userId, name: "S", signalId: signal!.id, accountId, symbol: "BTC/USDT", sizingValue: "10" }).returning()
    )[0]!.id;
  });

  const signedIn = (minutesAgo: number) => {
    session.current = {
      user: { id: userId, role: 1 },
      sessionVersion: 0,
      deviceId,
      deviceTrusted: true,
      emailVerified: true,
      sessionId: "00000000-0000-4000-8000-000000000001",
      authTime: Math.floor(Date.now() / 1000) - minutesAgo * 60,
      twoFactorSetup: false,
    };
  };
  const trading = async () => (await testDb.db.select({ enabled: users.tradingEnabled, keepsExits: users.tradingKeepsExits }).from(users).where(eq(users.id, userId)))[0];

  it("trading: stopped -> pause and stopped -> on need a recent password; a pause resumes without", async () => {
    signedIn(1);
    expect(await tradingSwitchAction({}, form({ enabled: "false", mode: "stop" }))).toMatchObject({ ok: true });
    signedIn(11);
    // The two-step bypass the review found: stop -> pause (then pause -> on) with a stale sign-in.
    expect(await tradingSwitchAction({}, form({ enabled: "false", mode: "pause" }))).toMatchObject(REAUTH);
    expect(await trading()).toEqual({ enabled: false, keepsExits: false });
    expect(await tradingSwitchAction({}, form({ enabled: "true" }))).toMatchObject(REAUTH);
    expect(await trading()).toEqual({ enabled: false, keepsExits: false });
    // Stopping again needs no proof.
    expect(await tradingSwitchAction({}, form({ enabled: "false", mode: "stop" }))).toMatchObject({ ok: true });

    signedIn(1);
    expect(await tradingSwitchAction({}, form({ enabled: "false", mode: "pause" }))).toMatchObject({ ok: true });
    signedIn(11);
    expect(await tradingSwitchAction({}, form({ enabled: "true" }))).toMatchObject({ ok: true });
    expect(await trading()).toEqual({ enabled: true, keepsExits: true });
  });

  it("a strategy back on (or to a pause) after its own stop needs a recent password", async () => {
    signedIn(11);
    expect(await toggleStrategyAction({}, form({ strategyId, enabled: "false", mode: "stop" }))).toMatchObject({ ok: true });
    expect(await toggleStrategyAction({}, form({ strategyId, enabled: "true" }))).toMatchObject(REAUTH);
    expect(await toggleStrategyAction({}, form({ strategyId, enabled: "false", mode: "pause" }))).toMatchObject(REAUTH);
    const [row] = await testDb.db.select().from(strategies).where(eq(strategies.id, strategyId));
    expect(row).toMatchObject({ enabled: false, keepsExits: false });
    signedIn(1);
    expect(await toggleStrategyAction({}, form({ strategyId, enabled: "true" }))).toMatchObject({ ok: true });
  });

  it("a symbol back on (or to a pause) after its own stop needs a recent password", async () => {
    signedIn(11);
    expect(await symbolSwitchAction({}, form({ symbol: "ETH/USDT", enabled: "false", mode: "stop" }))).toMatchObject({ ok: true });
    expect(await symbolSwitchAction({}, form({ symbol: "ETH/USDT", enabled: "true" }))).toMatchObject(REAUTH);
    expect(await symbolSwitchAction({}, form({ symbol: "ETH/USDT", enabled: "false", mode: "pause" }))).toMatchObject(REAUTH);
    const [row] = await testDb.db.select().from(symbolSwitches).where(and(eq(symbolSwitches.userId, userId), eq(symbolSwitches.symbol, "ETH/USDT")));
    expect(row).toMatchObject({ enabled: false, keepsExits: false });
    // A symbol never switched off pauses and resumes without a password.
    expect(await symbolSwitchAction({}, form({ symbol: "SOL/USDT", enabled: "false", mode: "pause" }))).toMatchObject({ ok: true });
    expect(await symbolSwitchAction({}, form({ symbol: "SOL/USDT", enabled: "true" }))).toMatchObject({ ok: true });
    signedIn(1);
    expect(await symbolSwitchAction({}, form({ symbol: "ETH/USDT", enabled: "true" }))).toMatchObject({ ok: true });
  });

  it("a manual order needs a recent password", async () => {
    signedIn(11);
    const order = form({ accountId, symbol: "BTC/USDT", side: "buy", type: "market", amountIn: "base", amount: "0.001" });
    expect(await placeOrderAction({}, order)).toMatchObject(REAUTH);
    signedIn(1);
    expect(await placeOrderAction({}, order)).not.toHaveProperty("reauth");
  });
});
