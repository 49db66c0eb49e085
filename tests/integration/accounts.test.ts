import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { exchangeAccounts, orders } from "@/db/schema";
import { createUser } from "@/lib/users";
import { addExchangeAccount, placeManualOrder, reconcileAccountOrders, tradingAccount } from "@/lib/accounts";
import { reencryptAllKeys } from "@/lib/crypto/rotate";
import { decryptSecret, encryptSecret, isAccountBound, keyringFrom, SecretDecryptionError } from "@/lib/crypto/secrets";
import { resetEnvForTests } from "@/lib/env";
import { ExchangeError } from "@/lib/exchanges";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { captureLogs } from "../helpers/log-capture";

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

// The app's JSON logger too (lines at every level).
let jsonLogs: ReturnType<typeof captureLogs> | undefined;
beforeAll(() => {
  process.env.LOG_LEVEL = "trace";
  resetEnvForTests();
  jsonLogs = captureLogs();
});

afterAll(async () => {
  jsonLogs?.restore();
  delete process.env.LOG_LEVEL;
  vi.restoreAllMocks();
  await sim.stop();
});

afterEach(() => {
  // No log line and no thrown message ever carries the planted key or secret.
  for (const line of [...logs, ...(jsonLogs?.raw ?? [])]) {
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

  it("refuses a key that can withdraw, saying how to make a trade-only key and which IPs to allow, and stores nothing", async () => {
    const { createTranslator } = await import("next-intl");
    const { default: en } = await import("@/messages/en.json");
    const { AppError } = await import("@/lib/errors");
    sim.addAccount({ apiKey: "withdraw-key-WDRW", secret: "withdraw-secret-value", balances: { USDT: "10" }, canWithdraw: true });
    process.env.OUTBOUND_IPS = "198.51.100.10, 198.51.100.11";
    resetEnvForTests();
    try {
      const error = await addExchangeAccount(userId, liveInput({ apiKey: "withdraw-key-WDRW", apiSecret: "withdraw-secret-value" }), meta).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "withdrawal_key", params: { exchange: "binance", ips: "198.51.100.10, 198.51.100.11" } });
      const t = createTranslator({ locale: "en", messages: en });
      const shown = t("errors.withdrawal_key", (error as InstanceType<typeof AppError>).params);
      expect(shown).toContain("allowed to withdraw funds, so it was not saved");
      expect(shown).toContain("leave Enable Withdrawals off");
      expect(shown).toContain("these IP addresses only: 198.51.100.10, 198.51.100.11");
      expect(await testDb.db.select().from(exchangeAccounts)).toHaveLength(0);
    } finally {
      delete process.env.OUTBOUND_IPS;
      resetEnvForTests();
    }
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
    const ctx = { userId, purpose: "api_secret", accountId: account.id };
    expect(decryptSecret(row!.apiSecretEnc!, row!.keyVersion!, ctx, keyringFrom({ key: MASTER }))).toBe(API_SECRET);
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
    expect(await reencryptAllKeys(testDb.db, rotated)).toEqual({ rotated: 1, failed: [], changed: [] });
    const [row] = await testDb.db.select().from(exchangeAccounts);
    expect(row!.keyVersion).toBe(2);
    expect(decryptSecret(row!.apiSecretEnc!, 2, { userId, purpose: "api_secret", accountId: row!.id }, rotated)).toBe(API_SECRET);
    expect(await reencryptAllKeys(testDb.db, rotated)).toEqual({ rotated: 0, failed: [], changed: [] });
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

describe("exchange keys bound to their account, and rotation", () => {
  const ring = keyringFrom({ key: MASTER });
  const sealed = (value: string, ctx: { userId: string; purpose: string; accountId?: string }, keyring = ring) =>
    encryptSecret(value, ctx, keyring).ciphertext;
  const insertRaw = async (values: Partial<typeof exchangeAccounts.$inferInsert> & { id: string }) => {
    await testDb.db.insert(exchangeAccounts).values({
      userId,
      exchange: "binance",
      label: `raw-${values.id.slice(0, 4)}`,
      spot: true,
      futures: false,
      sandbox: false,
      keyVersion: 1,
      keyHint: "PLNT",
      ...values,
    });
  };

  it("a sealed key copied onto another account row of the same user does not open there", async () => {
    const { account: first } = await addExchangeAccount(userId, liveInput({ label: "First" }), meta);
    const { account: second } = await addExchangeAccount(userId, liveInput({ label: "Second" }), meta);
    const [source] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, first.id));
    await expect(tradingAccount(userId, second.id)).resolves.toBeTruthy();
    await testDb.db
      .update(exchangeAccounts)
      .set({ apiKeyEnc: source!.apiKeyEnc, apiSecretEnc: source!.apiSecretEnc })
      .where(eq(exchangeAccounts.id, second.id));
    await expect(tradingAccount(userId, second.id)).rejects.toBeInstanceOf(SecretDecryptionError);
  });

  it("keys:rotate moves keys sealed before the binding to the bound format, even under the same master key", async () => {
    const id = randomUUID();
    const ctx = (purpose: string) => ({ userId, purpose });
    await insertRaw({ id, apiKeyEnc: sealed(API_KEY, ctx("api_key")), apiSecretEnc: sealed(API_SECRET, ctx("api_secret")) });
    // Sealed before binding: still readable.
    await expect(tradingAccount(userId, id)).resolves.toBeTruthy();

    const result = await reencryptAllKeys(testDb.db, ring);
    expect(result.failed).not.toContain(id);
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, id));
    expect([row!.apiKeyEnc!, row!.apiSecretEnc!].map(isAccountBound)).toEqual([true, true]);
    expect(row!.passphraseEnc).toBeNull();
    expect(decryptSecret(row!.apiSecretEnc!, 1, { ...ctx("api_secret"), accountId: id }, ring)).toBe(API_SECRET);
    expect((await reencryptAllKeys(testDb.db, ring)).rotated).toBe(0);
  });

  it("keys:rotate never overwrites keys replaced while it runs", async () => {
    const id = randomUUID();
    const ctx = (purpose: string) => ({ userId, purpose, accountId: id });
    await insertRaw({ id, apiKeyEnc: sealed("old-key", ctx("api_key")), apiSecretEnc: sealed("old-secret", ctx("api_secret")) });
    const next = keyringFrom({
      key: "the-third-master-key-0123456789abcdefgh",
      version: 3,
      previous: `1:${MASTER},2:a-brand-new-master-key-0123456789abcdef`,
    });
    const replacement = {
      apiKeyEnc: sealed("new-key", ctx("api_key"), next),
      apiSecretEnc: sealed("new-secret", ctx("api_secret"), next),
      keyVersion: 3,
    };
    // The user replaces the keys after the rotation has read the rows and before it writes them.
    const racing = new Proxy(testDb.db, {
      get(target, prop) {
        if (prop !== "select") {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (...args: Parameters<typeof target.select>) => ({
          from: (table: typeof exchangeAccounts) => {
            const rows = target.select(...args).from(table);
            return rows.then(async (read) => {
              await testDb.db.update(exchangeAccounts).set(replacement).where(eq(exchangeAccounts.id, id));
              return read;
            });
          },
        });
      },
    }) as typeof testDb.db;

    const result = await reencryptAllKeys(racing, next);
    expect(result.changed).toContain(id);
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, id));
    expect(row!.keyVersion).toBe(3);
    expect(decryptSecret(row!.apiSecretEnc!, 3, ctx("api_secret"), next)).toBe("new-secret");
    expect(decryptSecret(row!.apiKeyEnc!, 3, ctx("api_key"), next)).toBe("new-key");
  });
});
