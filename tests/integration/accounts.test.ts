import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { exchangeAccounts, orders } from "@/db/schema";
import { createUser } from "@/lib/users";
import { addExchangeAccount, placeManualOrder, reconcileAccountOrders, tradingAccount } from "@/lib/accounts";
import { reencryptAllKeys } from "@/lib/crypto/rotate";
import { decryptSecret, keyringFrom } from "@/lib/crypto/secrets";
import { resetEnvForTests } from "@/lib/env";
import { ExchangeError } from "@/lib/exchanges";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const MASTER = "integration-master-key-0123456789abcdef";
const API_KEY = "planted-api-key-PLNT";
const API_SECRET = "planted-api-secret-must-never-leak";
const meta = { ip: "127.0.0.1", userAgent: "vitest" };
const logs: string[] = [];
let userId = "";

function liveInput(overrides: Record<string, unknown> = {}) {
  return {
    exchange: "binance" as const,
    label: "Sim",
    spot: true,
    futures: false,
    sandbox: false,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    ...overrides,
  };
}

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "integration-auth-secret-0123456789abcdef",
    ENCRYPTION_KEY: MASTER,
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "800",
  });
  resetEnvForTests();
  sim.addAccount({ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "1000" } });
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  const user = await createUser({ name: "Tess", email: "tess@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
  userId = user.id;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await sim.stop();
});

afterEach(() => {
  // No log line and no thrown message ever carries the planted key or secret.
  for (const line of logs) {
    expect(line).not.toContain(API_SECRET);
    expect(line).not.toContain(API_KEY);
  }
});

describe("exchange accounts with ccxt against the simulator", () => {
  it("refuses keys the exchange rejects and stores nothing", async () => {
    const error = await addExchangeAccount(userId, liveInput({ apiSecret: "wrong-secret-value" }), meta).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as ExchangeError).code).toBe("auth");
    expect((error as Error).message).not.toContain("wrong-secret-value");
    expect(await testDb.db.select().from(exchangeAccounts)).toHaveLength(0);
  });

  it("stores good keys encrypted, answers only public fields, and keeps the last four characters", async () => {
    const { account, withdrawalsEnabled } = await addExchangeAccount(userId, liveInput(), meta);
    expect(withdrawalsEnabled).toBe(false);
    expect(JSON.stringify(account)).not.toContain(API_SECRET);
    expect(JSON.stringify(account)).not.toContain("Enc");
    expect(account.keyHint).toBe("PLNT");
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, account.id));
    expect(row!.apiSecretEnc).not.toContain(API_SECRET);
    expect(row!.apiKeyEnc).not.toContain(API_KEY);
    expect(decryptSecret(row!.apiSecretEnc!, row!.keyVersion!, { userId, purpose: "api_secret" }, keyringFrom({ key: MASTER }))).toBe(API_SECRET);
  });

  it("writes the order row before sending, records the fill, and refuses dust without calling the exchange", async () => {
    const [account] = await testDb.db.select().from(exchangeAccounts);
    const sent = () => sim.requests.filter((r) => r.path === "/api/v3/order").length;
    const before = sent();
    const dust = await placeManualOrder(userId, { accountId: account!.id, symbol: "BTC/USDT", side: "buy", type: "market", amountIn: "base", amount: "0.00001" });
    expect(dust).toEqual({ kind: "refused", refusal: { reason: "cost_too_small", min: "5" } });
    expect(sent()).toBe(before);

    const placed = await placeManualOrder(userId, { accountId: account!.id, symbol: "BTC/USDT", side: "buy", type: "market", amountIn: "quote", amount: "120" });
    expect(placed.kind).toBe("placed");
    const [row] = await testDb.db.select().from(orders).where(eq(orders.accountId, account!.id));
    expect(row).toMatchObject({ status: "filled", amount: "0.002", filled: "0.002", side: "buy", source: "manual" });
    expect(row!.clientOrderId).toMatch(/^sbm[0-9a-f]{27}$/);
    expect(sim.account(API_KEY).orders.at(-1)?.clientOrderId).toBe(row!.clientOrderId);
  });

  it("records an exchange refusal with its reason", async () => {
    const [account] = await testDb.db.select().from(exchangeAccounts);
    const error = await placeManualOrder(userId, { accountId: account!.id, symbol: "BTC/USDT", side: "buy", type: "market", amountIn: "base", amount: "1" }).catch((e: unknown) => e);
    expect((error as ExchangeError).code).toBe("insufficient_funds");
    const rows = await testDb.db.select().from(orders).where(eq(orders.status, "rejected"));
    expect(rows.at(-1)?.error?.code).toBe("insufficient_funds");
  });

  it("resolves a lost answer by looking the order up, never by sending it again", async () => {
    const [account] = await testDb.db.select().from(exchangeAccounts);
    const countOrders = () => sim.account(API_KEY).orders.length;
    const before = countOrders();
    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const outcome = await placeManualOrder(userId, { accountId: account!.id, symbol: "ETH/USDT", side: "buy", type: "market", amountIn: "base", amount: "0.01" });
    expect(outcome.kind).toBe("placed");
    expect(countOrders()).toBe(before + 1);
    const eth = await testDb.db.select().from(orders).where(eq(orders.symbol, "ETH/USDT"));
    expect(eth).toHaveLength(1);
    expect(eth[0]!.status).toBe("filled");
  });

  it("keeps a lost order as unknown until the exchange shows it", async () => {
    const [account] = await testDb.db.select().from(exchangeAccounts);
    // The order request itself fails with a 503 whose outcome is unknown; the look-up finds nothing yet.
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", count: 2 });
    const outcome = await placeManualOrder(userId, { accountId: account!.id, symbol: "SOL/USDT", side: "buy", type: "market", amountIn: "base", amount: "0.1" });
    expect(outcome).toEqual({ kind: "unknown" });
    const [row] = await testDb.db.select().from(orders).where(eq(orders.symbol, "SOL/USDT"));
    expect(row!.status).toBe("unknown");
    const { client } = await tradingAccount(userId, account!.id);
    await reconcileAccountOrders(userId, client, account!.id);
    const [still] = await testDb.db.select().from(orders).where(eq(orders.symbol, "SOL/USDT"));
    expect(still!.status).toBe("unknown");
  });

  it("re-encrypts every key under a new master key", async () => {
    const rotated = keyringFrom({ key: "a-brand-new-master-key-0123456789abcdef", version: 2, previous: `1:${MASTER}` });
    expect(await reencryptAllKeys(testDb.db, rotated)).toEqual({ rotated: 1, failed: [] });
    const [row] = await testDb.db.select().from(exchangeAccounts);
    expect(row!.keyVersion).toBe(2);
    expect(decryptSecret(row!.apiSecretEnc!, 2, { userId, purpose: "api_secret" }, rotated)).toBe(API_SECRET);
    expect(await reencryptAllKeys(testDb.db, rotated)).toEqual({ rotated: 0, failed: [] });
  });

  it("creates paper accounts with their starting balance", async () => {
    const { account } = await addExchangeAccount(
      userId,
      { exchange: "paper", label: "Practice", spot: false, futures: false, sandbox: false, startingBalance: "2500", feePercent: "0.1", slippageBps: "5" },
      meta,
    );
    const { client } = await tradingAccount(userId, account.id);
    expect(await client.balance()).toEqual([{ asset: "USDT", free: "2500", used: "0", total: "2500" }]);
    expect(account.paperFeeRate).toBe("0.001");
  });

  it("never opens another user's account", async () => {
    const other = await createUser({ name: "Otto", email: "otto@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
    const [account] = await testDb.db.select().from(exchangeAccounts);
    await expect(tradingAccount(other.id, account!.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
