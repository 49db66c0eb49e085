import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { exchangeAccounts } from "@/db/schema";
import { listBalanceSnapshots } from "@/db/queries/balance-snapshots";
import { createUser } from "@/lib/users";
import { addExchangeAccount, BALANCE_MAX_AGE_MS, cardBalance, testAccountConnection, type ConnectionCheck } from "@/lib/accounts";
import { resetEnvForTests } from "@/lib/env";
import { reserveTiming } from "@/lib/exchanges/budget";
import { getRateLimiter, type RateLimiter } from "@/lib/ratelimit";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

// Every exchange request must be paid for from the shared per-venue budget: the limiter is wrapped to count
// the venue budget's allowed hits, and no request may reach the simulator beyond what was paid for.
const budget = { calls: 0, requests: 0 };
const shareBefore = reserveTiming.share;

async function countBudgetHits() {
  const holder = globalThis as { __sbRateLimiter?: Promise<RateLimiter> };
  holder.__sbRateLimiter = undefined;
  const real = await getRateLimiter();
  holder.__sbRateLimiter = Promise.resolve({
    ...real,
    hit: async (key, opts) => {
      const result = await real.hit(key, opts);
      if (result.allowed && key.startsWith("exchange:binance:")) budget.calls++;
      return result;
    },
  } satisfies RateLimiter);
}

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const meta = { ip: "127.0.0.1", userAgent: "vitest" };
let userId = "";
let n = 0;
let outsideBudget: string[] = [];

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "connection-auth-secret-0123456789abcdef",
    ENCRYPTION_KEY: "connection-master-key-0123456789abcdefg",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "800",
    OUTBOUND_IPS: "203.0.113.10, 203.0.113.11",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  // One store hit per request: no weight taken ahead of need (which pays for several requests at once).
  reserveTiming.share = 0;
  await countBudgetHits();
  const push = sim.requests.push.bind(sim.requests);
  sim.requests.push = (...items) => {
    for (const r of items) if (++budget.requests > budget.calls) outsideBudget.push(`${r.method} ${r.path}`);
    return push(...items);
  };
  userId = (await createUser({ name: "Connie", email: "connie@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
});

afterAll(async () => {
  reserveTiming.share = shareBefore;
  delete process.env.OUTBOUND_IPS;
  resetEnvForTests();
  await sim.stop();
});

beforeEach(() => {
  outsideBudget = [];
});

/** A Binance account on the simulator with a trade-only key of its own. */
async function binanceAccount(opts: { balances?: Record<string, string>; ipRestrict?: boolean; owner?: string } = {}) {
  const i = ++n;
  const key = { apiKey: `conn-key-${i}-ABCD`, secret: `conn-secret-${i}-planted` };
  sim.addAccount({ ...key, balances: opts.balances ?? { USDT: "10000", ETH: "1.5" }, ipRestrict: opts.ipRestrict ?? true });
  const { account } = await addExchangeAccount(
    opts.owner ?? userId,
    { exchange: "binance", label: `Sim ${i}`, spot: true, futures: false, sandbox: false, apiKey: key.apiKey, apiSecret: key.secret },
    meta,
  );
  return { accountId: account.id, ...key };
}

async function checks(accountId: string, owner = userId): Promise<Record<string, ConnectionCheck>> {
  const outcome = await testAccountConnection(owner, accountId);
  if (outcome.kind !== "done") throw new Error(`connection test not run: ${outcome.kind}`);
  return Object.fromEntries(outcome.checks.map((c) => [c.id, c]));
}

describe("testing an account's connection against the simulated Binance (ccxt's real code)", () => {
  it("passes every check for a good, IP-restricted, trade-only key, each call inside the shared budget", async () => {
    const { accountId } = await binanceAccount();
    sim.requests.length = 0;
    const calls = budget.calls;
    const result = await checks(accountId);
    expect(Object.keys(result)).toEqual(["balance", "trading", "withdrawals", "ip", "market"]);
    expect(result.balance).toMatchObject({ status: "ok", params: { amount: "10000", asset: "USDT", others: "1" } });
    expect(result.trading).toMatchObject({ status: "ok", reason: "ok" });
    expect(result.withdrawals).toMatchObject({ status: "ok", reason: "ok" });
    expect(result.ip).toMatchObject({ status: "ok", reason: "ok" });
    expect(result.market).toMatchObject({ status: "ok", params: { symbol: "BTC/USDT", price: "60000" } });
    // It really asked the venue: the signed account and key endpoints and the public ticker.
    const paths = sim.requests.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(["/api/v3/account", "/sapi/v1/account/apiRestrictions", "/api/v3/ticker/24hr"]));
    expect(outsideBudget).toEqual([]);
    // One paid hit per request (the market list came from the venue's shared cache, without a request).
    expect(budget.calls - calls).toBe(paths.length);
  });

  it("warns about a key that works from any IP, naming the platform's addresses", async () => {
    const { accountId } = await binanceAccount({ ipRestrict: false });
    const result = await checks(accountId);
    expect(result.ip).toMatchObject({ status: "warn", reason: "open", params: { ips: "203.0.113.10, 203.0.113.11" } });
    expect(result.balance!.status).toBe("ok");
  });

  it("fails the withdrawal check when the key was given withdrawals on the exchange, and flags the account", async () => {
    const { accountId, apiKey, secret } = await binanceAccount();
    // After the account was saved, the trader turns withdrawals on for the key on Binance.
    sim.addAccount({ apiKey, secret, balances: { USDT: "10000" }, canWithdraw: true, ipRestrict: true });
    const result = await checks(accountId);
    expect(result.withdrawals).toMatchObject({ status: "failed", reason: "on" });
    expect(result.balance!.status).toBe("ok");
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, accountId));
    expect(row!.withdrawalsEnabled).toBe(true);
    expect(row!.lastCheckedAt).not.toBeNull();
  });

  it("fails the trading check for a key without trading rights", async () => {
    const { accountId, apiKey, secret } = await binanceAccount();
    sim.addAccount({ apiKey, secret, canTrade: false, ipRestrict: true });
    expect((await checks(accountId)).trading).toMatchObject({ status: "failed", reason: "offSpot" });
  });

  it("a wrong secret fails the balance read with 'refused', and the key checks wait on it; market data still works", async () => {
    const { accountId, apiKey } = await binanceAccount();
    // The exchange now holds another secret for the key (re-created): ours no longer signs.
    sim.addAccount({ apiKey, secret: "a-different-secret-0000", ipRestrict: true });
    const result = await checks(accountId);
    expect(result.balance).toMatchObject({ status: "failed", reason: "auth" });
    for (const id of ["trading", "withdrawals", "ip"]) expect(result[id]).toMatchObject({ status: "unknown", reason: "afterBalance" });
    expect(result.market!.status).toBe("ok");
    expect(outsideBudget).toEqual([]);
  });

  it("a paper account tests its paper books", async () => {
    const { account } = await addExchangeAccount(userId, { exchange: "paper", label: "Practice", spot: true, futures: false, sandbox: false, startingBalance: "2500", feePercent: "0.1", slippageBps: "5" }, meta);
    const result = await checks(account.id);
    expect(result.balance).toMatchObject({ status: "ok", params: { amount: "2500", asset: "USDT", others: "0" } });
    expect(result.withdrawals).toMatchObject({ status: "ok", reason: "paper" });
    expect(result.market!.status).toBe("ok");
  });

  it("is limited per account (a few a minute), and only the owner may run it", async () => {
    const { accountId } = await binanceAccount();
    for (let i = 0; i < 3; i++) expect((await testAccountConnection(userId, accountId)).kind).toBe("done");
    const before = sim.requests.length;
    const fourth = await testAccountConnection(userId, accountId);
    expect(fourth.kind).toBe("too_soon");
    expect(fourth.kind === "too_soon" && fourth.retryAfterSeconds).toBeGreaterThan(0);
    expect(sim.requests.length).toBe(before);

    const other = (await createUser({ name: "Mallory", email: "mallory@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
    await expect(testAccountConnection(other, accountId)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("the balance on an account card", () => {
  it("is stored when the account is added: the USDT total and how many other assets", async () => {
    const { accountId } = await binanceAccount({ balances: { USDT: "1234.5", ETH: "1.5", BTC: "0.1" } });
    const stored = (await listBalanceSnapshots({ userId })).find((s) => s.accountId === accountId);
    expect(stored).toMatchObject({ quoteAsset: "USDT", quoteTotal: "1234.5", otherAssets: 2 });
  });

  it("shows the stored balance while it is recent, without asking the exchange", async () => {
    const { accountId, apiKey } = await binanceAccount({ balances: { USDT: "500" } });
    sim.account(apiKey).balances.get("USDT")!.free = sim.account(apiKey).balances.get("USDT")!.free.add(100);
    sim.requests.length = 0;
    const card = await cardBalance(userId, accountId);
    expect(card).toMatchObject({ error: null, snapshot: { quoteTotal: "500" } });
    expect(sim.requests.length).toBe(0);
  });

  it("reads a fresh balance through the budget once the stored one is old, and stores it", async () => {
    const { accountId, apiKey } = await binanceAccount({ balances: { USDT: "500" } });
    sim.account(apiKey).balances.get("USDT")!.free = sim.account(apiKey).balances.get("USDT")!.free.add(250);
    const later = Date.now() + BALANCE_MAX_AGE_MS + 1_000;
    const card = await cardBalance(userId, accountId, later);
    expect(card).toMatchObject({ error: null, snapshot: { quoteTotal: "750", otherAssets: 0 } });
    expect(outsideBudget).toEqual([]);
    expect((await listBalanceSnapshots({ userId })).find((s) => s.accountId === accountId)?.quoteTotal).toBe("750");
  });

  it("falls back to the stored balance, flagged, when the venue is down or slow", async () => {
    const down = await binanceAccount({ balances: { USDT: "321" } });
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/account", count: 1 });
    const later = Date.now() + BALANCE_MAX_AGE_MS + 1_000;
    expect(await cardBalance(userId, down.accountId, later)).toMatchObject({ error: "exchange_down", snapshot: { quoteTotal: "321" } });

    const slow = await binanceAccount({ balances: { USDT: "654" } });
    sim.setLatency(3_000);
    try {
      const started = Date.now();
      const card = await cardBalance(userId, slow.accountId, later);
      expect(card.snapshot?.quoteTotal).toBe("654");
      expect(card.error).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      sim.setLatency(0);
    }
  });

  it("shows a paper account's paper balance", async () => {
    const { account } = await addExchangeAccount(userId, { exchange: "paper", label: "Paper card", spot: true, futures: false, sandbox: false, startingBalance: "1000", feePercent: "0.1", slippageBps: "5" }, meta);
    const later = Date.now() + BALANCE_MAX_AGE_MS + 1_000;
    expect(await cardBalance(userId, account.id, later)).toMatchObject({ error: null, snapshot: { quoteAsset: "USDT", quoteTotal: "1000", otherAssets: 0 } });
  });

  it("never shows another user's account", async () => {
    const { accountId } = await binanceAccount();
    const other = (await createUser({ name: "Eve", email: "eve@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
    expect(await cardBalance(other, accountId)).toEqual({ snapshot: null, error: null });
    expect((await listBalanceSnapshots({ userId: other })).length).toBe(0);
  });
});
