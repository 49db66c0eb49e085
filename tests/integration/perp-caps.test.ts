import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signals, strategyExecutions } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals } from "@/lib/engine";
import { forgetLeverage } from "@/lib/engine/leverage";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { createUser } from "@/lib/users";
import { OkxSimulator } from "../simulator/okx-simulator";
import { useTestDatabase } from "../helpers/test-db";

// A perpetual strategy's caps count its live opening orders (in contracts × the contract size), with the insert.
const testDb = useTestDatabase();
const sim = new OkxSimulator();
const meta = { ip: null, userAgent: "vitest" };
let n = 0;

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "perp-caps-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "perp-caps-master-key-0123456789abcdefghijk",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "2000",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  resetQueueForTests();
  forgetLeverage();
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
});
afterAll(() => sim.stop());

async function trader(caps: { maxOpenOrders?: number; maxPosition?: string }) {
  const i = ++n;
  const apiKey = `perp-caps-${i}`;
  sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: {}, swap: true });
  const { secret, hash, hint } = generateSignalSecret();
  const [signal] = await testDb.db.insert(signals).values({ name: `perp-caps-${i}`, secretHash: hash, secretHint: hint }).returning();
  const user = await createUser({ name: `c${i}`, email: `perp-caps-${i}@example.com`, passwordHash: "$argon2id$fake", autoApprove: true });
  const { account } = await addExchangeAccount(user.id, { exchange: "okx", label: "OKX", spot: false, futures: true, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` }, meta);
  // 0.05 BTC a signal, as a limit 1 % under the price: it rests on the venue.
  const strategy = await insertStrategy({ userId: user.id, name: `c${i}`, signalId: signal!.id, accountId: account.id, symbol: "BTC/USDT:USDT", sizingMode: "base", sizingValue: "0.05", orderType: "limit", limitOffsetPct: "1", leverage: 2, marginMode: "isolated", ...caps });
  return { apiKey, strategyId: strategy.id, signalName: signal!.name, secret };
}

async function post(t: Awaited<ReturnType<typeof trader>>, id: string) {
  const queue = await getQueue();
  const answer = await ingestSignal({
    name: t.signalName,
    rawBody: JSON.stringify({ secret: t.secret, symbol: "BTC/USDT:USDT", action: "buy", position: "long", price: "60000", id }),
    contentType: "application/json",
    headers: {},
    ip: "127.0.0.1",
    enqueue: async (eventId) => {
      await queue.enqueue("signals", { eventId });
    },
  });
  await drainSignals({ budgetMs: 15_000 });
  const [execution] = await testDb.db.select().from(strategyExecutions).where(and(eq(strategyExecutions.strategyId, t.strategyId), eq(strategyExecutions.eventId, String(answer.body.eventId))));
  return [execution?.outcome, execution?.reason];
}

describe("caps on a USDT-perpetual strategy", () => {
  it("max_open_orders counts the live opening orders", async () => {
    const t = await trader({ maxOpenOrders: 1 });
    expect(await post(t, "a-1")).toEqual(["sent", null]);
    expect(await post(t, "a-2")).toEqual(["skipped", "max_open_orders"]);
    expect(sim.swap.account(t.apiKey).orders.map((o) => [o.qty.toFixed(), o.status])).toEqual([["5", "open"]]);
  });

  it("max_position counts what resting opening orders may still add, in base units", async () => {
    const t = await trader({ maxPosition: "0.08" });
    expect(await post(t, "b-1")).toEqual(["sent", null]);
    // Nothing is held yet, but 5 contracts of 0.01 BTC rest: 0.05 + 0.05 is past 0.08.
    expect(await post(t, "b-2")).toEqual(["skipped", "max_position"]);
    expect(sim.swap.account(t.apiKey).orders).toHaveLength(1);
  });
});
