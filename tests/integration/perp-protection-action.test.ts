import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import messages from "@/messages/en.json";
import { exchangeAccounts, signals, strategies, userDevices, users } from "@/db/schema";
import { addExchangeAccount } from "@/lib/accounts";
import { resetEnvForTests } from "@/lib/env";
import { createUser } from "@/lib/users";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

// Creating a perpetual strategy with a take-profit and a stop-loss: allowed on Binance USDT-M (the venue
// keeps them), refused with the venue's name elsewhere.
const session = vi.hoisted(() => ({ current: null as null | Record<string, unknown> }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.9" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`REDIRECT ${url}`);
  },
  unstable_rethrow: (error: unknown) => {
    if (error instanceof Error && error.message.startsWith("REDIRECT ")) throw error;
  },
}));

const { createStrategyAction } = await import("@/app/(dashboard)/dashboard/strategies/actions");
const testDb = useTestDatabase();
const sim = new BinanceSimulator();

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

let userId = "";
let signalId = "";
let binanceId = "";
let bybitId = "";

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "perp-action-auth-secret-0123456789abcdefg",
    ENCRYPTION_KEY: "perp-action-master-key-0123456789abcdefgh",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "2000",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  userId = (await createUser({ name: "Ana", email: "ana-perp-action@example.com", passwordHash: "x", autoApprove: true })).id;
  await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
  const deviceId = (await testDb.db.insert(userDevices).values({ userId, deviceHash: "ana-device", status: "trusted" }).returning())[0]!.id;
  session.current = {
    user: { id: userId, role: 1 },
    sessionVersion: 0,
    deviceId,
    deviceTrusted: true,
    emailVerified: true,
    sessionId: "00000000-0000-4000-8000-000000000002",
    authTime: Math.floor(Date.now() / 1000) - 60,
    twoFactorSetup: false,
  };
  signalId = (await testDb.db.insert(signals).values({ name: "perp-action", secretHash: "h", secretHint: "x" }).returning())[0]!.id;
  sim.addAccount({ apiKey: "ana-key", secret: "ana-secret" });
  binanceId = (
    await addExchangeAccount(
      userId,
      { exchange: "binance", label: "USDT-M", spot: false, futures: true, sandbox: false, apiKey: "ana-key", apiSecret: "ana-secret" },
      { ip: null, userAgent: "vitest" },
    )
  ).account.id;
  bybitId = (await testDb.db.insert(exchangeAccounts).values({ userId, exchange: "bybit", label: "Bybit linear", spot: false, futures: true }).returning())[0]!.id;
});
afterAll(() => sim.stop());

const fields = (accountId: string) => ({
  name: "Perp with exits",
  signalId,
  accountId,
  symbol: "BTC/USDT:USDT",
  sizingMode: "quote",
  sizingValue: "100",
  orderType: "market",
  takeProfitPct: "4",
  stopLossPct: "2",
  leverage: "3",
  marginMode: "isolated",
  followBuy: "on",
  followSell: "on",
});

describe("a perpetual strategy's take-profit and stop-loss", () => {
  it("is accepted on Binance USDT-M", async () => {
    await expect(createStrategyAction({}, form(fields(binanceId)))).rejects.toThrow(/^REDIRECT \/dashboard\/strategies\?open=/);
    const [row] = await testDb.db.select().from(strategies).where(eq(strategies.accountId, binanceId));
    expect(row).toMatchObject({ symbol: "BTC/USDT:USDT", takeProfitPct: "4", stopLossPct: "2", leverage: 3 });
  });

  it("is refused on another venue, naming it", async () => {
    const state = await createStrategyAction({}, form(fields(bybitId)));
    expect(state.errors?.takeProfitPct?.[0]).toContain("Bybit");
    expect(await testDb.db.select().from(strategies).where(eq(strategies.accountId, bybitId))).toEqual([]);
  });

  it("is only for a strategy alone on its symbol: the venue's orders close the account's whole position", async () => {
    // The first test left a protected strategy on BTC/USDT:USDT of this account.
    const second = await createStrategyAction({}, form({ ...fields(binanceId), name: "Second perp" }));
    expect(second.errors?.takeProfitPct?.[0]).toMatch(/whole position/);
    const unprotectedToo = await createStrategyAction({}, form({ ...fields(binanceId), name: "Third perp", takeProfitPct: "", stopLossPct: "" }));
    expect(unprotectedToo.errors?.symbol?.[0]).toMatch(/whole position/);
    expect(await testDb.db.select().from(strategies).where(eq(strategies.accountId, binanceId))).toHaveLength(1);
  });
});

