import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { exchangeAccounts, orders, signals, strategyPositions } from "@/db/schema";
import { createUser } from "@/lib/users";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { OkxSimulator } from "../simulator/okx-simulator";
import { useTestDatabase } from "../helpers/test-db";

// The engine, end to end, on an OKX spot account: accounts are added (with their passphrase) and orders placed
// through the same client factory production uses, every exchange call going to the OKX simulator.
const testDb = useTestDatabase();
const sim = new OkxSimulator();
const meta = { ip: null, userAgent: "vitest" };
let secret = "";
let signalId = "";
let userId = "";

const input = (apiKey: string) => ({ exchange: "okx" as const, label: "OKX", spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` });

async function post(body: Record<string, unknown>) {
  const queue = await getQueue();
  const answer = await ingestSignal({
    name: "okx-engine",
    rawBody: JSON.stringify({ secret, ...body }),
    contentType: "application/json",
    headers: {},
    ip: "127.0.0.1",
    enqueue: async (eventId) => {
      await queue.enqueue("signals", { eventId });
    },
  });
  expect(answer.status).toBe(202);
  return String(answer.body.eventId);
}

async function trader(apiKey: string) {
  sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: { USDT: "50000" } });
  const { account } = await addExchangeAccount(userId, input(apiKey), meta);
  const strategy = await insertStrategy({ userId, name: `${apiKey} BTC`, signalId, accountId: account.id, symbol: "BTC/USDT", sizingMode: "quote", sizingValue: "600" });
  return { apiKey, strategyId: strategy.id };
}

async function heldBy(strategyId: string) {
  const [position] = await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
  return position?.amount ?? "0";
}

const simBtc = (apiKey: string) => {
  const btc = sim.account(apiKey).balances.get("BTC");
  return btc ? btc.free.add(btc.frozen).toFixed() : "0";
};

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "okx-engine-auth-secret-0123456789abcdefgh",
    ENCRYPTION_KEY: "okx-engine-master-key-0123456789abcdefghi",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "800",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  resetQueueForTests();
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
  const generated = generateSignalSecret();
  secret = generated.secret;
  const [signal] = await testDb.db.insert(signals).values({ name: "okx-engine", secretHash: generated.hash, secretHint: generated.hint }).returning();
  signalId = signal!.id;
  userId = (await createUser({ name: "Olga", email: "olga-okx@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
});
afterAll(() => sim.stop());

describe("the engine on an OKX spot account", () => {
  it("refuses an OKX key that can withdraw, and stores nothing", async () => {
    sim.addAccount({ apiKey: "okx-withdraw-key", secret: "secret-of-okx-withdraw-key", passphrase: "pass-of-okx-withdraw-key", perm: ["read_only", "withdraw", "trade"] });
    const error = await addExchangeAccount(userId, input("okx-withdraw-key"), meta).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "withdrawal_key", params: { exchange: "okx" } });
    expect(await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.userId, userId))).toEqual([]);
    expect(sim.requests.some((r) => r.path === "/api/v5/account/config")).toBe(true);
  });

  it("a buy signal fills under the deterministic clOrdId and books the position the exchange holds", async () => {
    const t = await trader("okx-trader-one");
    // The passphrase is kept sealed beside the key: every signed request sends it.
    const [account] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.label, "OKX"));
    expect(account?.passphraseEnc).toBeTruthy();
    expect(account?.passphraseEnc).not.toContain("pass-of-okx-trader-one");
    const eventId = await post({ action: "buy", symbol: "BTC/USDT", id: "okx-buy-1" });
    await drainSignals({ budgetMs: 15_000 });
    const rows = (await testDb.db.select().from(orders).where(eq(orders.strategyId, t.strategyId))).filter((o) => o.eventId === eventId);
    expect(rows.map((r) => r.status)).toEqual(["filled"]);
    const placed = sim.account(t.apiKey).orders;
    expect(placed.map((o) => o.clOrdId)).toEqual([rows[0]!.clientOrderId]);
    // 0.01 BTC bought, its 0.1% fee taken in BTC: the position is what the wallet holds.
    expect(simBtc(t.apiKey)).toBe("0.00999");
    expect(await heldBy(t.strategyId)).toBe("0.00999");
  });

  it("an accepted order whose answer is lost is found by its clOrdId, not sent again", async () => {
    const t = await trader("okx-trader-two");
    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const eventId = await post({ action: "buy", symbol: "BTC/USDT", id: "okx-lost-1" });
    await drainSignals({ budgetMs: 15_000 });
    await monitorOrders({ budgetMs: 5_000 });
    expect(sim.account(t.apiKey).orders.length).toBe(1);
    const rows = (await testDb.db.select().from(orders).where(eq(orders.strategyId, t.strategyId))).filter((o) => o.eventId === eventId);
    expect(rows.map((r) => r.status)).toEqual(["filled"]);
    expect(await heldBy(t.strategyId)).toBe(simBtc(t.apiKey));
  });
});
