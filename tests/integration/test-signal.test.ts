import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signals } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { resetEnvForTests } from "@/lib/env";
import { resetQueueForTests } from "@/lib/queue";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

// A request whose Host names the loopback: the old "send test signal" posted its signal there.
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "127.0.0.1:9" }) }));

const testDb = useTestDatabase();
const fetched: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "test-signal-auth-secret-0123456789abcdef",
    ENCRYPTION_KEY: "test-signal-master-key-0123456789abcdef",
    // The paper exchange's live price feed is unreachable here: it falls back to the signal's price.
    EXCHANGE_API_OVERRIDE: "http://127.0.0.1:9",
  });
  delete process.env.APP_URL;
  delete process.env.UPSTASH_REDIS_REST_URL;
  resetEnvForTests();
  resetQueueForTests();
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return realFetch(input, init);
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
  delete process.env.EXCHANGE_API_OVERRIDE;
  resetEnvForTests();
});

describe("send test signal", () => {
  it("is ingested in process, never posted to an address taken from the request", async () => {
    const { sendTestSignal } = await import("@/lib/engine/test-signal");
    const user = await createUser({ name: "Tia", email: "tia@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
    const { account } = await addExchangeAccount(
      user.id,
      { exchange: "paper", label: "Paper", spot: true, futures: false, sandbox: false, startingBalance: "1000", feePercent: "0.1", slippageBps: "0" },
      { ip: null, userAgent: "vitest" },
    );
    const [signal] = await testDb.db.insert(signals).values({ name: "test-signal-sig", ...newSignalCredentials().columns }).returning();
    const strategy = await insertStrategy({
      userId: user.id,
      name: "Paper BTC",
      signalId: signal!.id,
      accountId: account.id,
      symbol: "BTC/USDT",
      sizingMode: "quote",
      sizingValue: "100",
    });

    const result = await sendTestSignal({ userId: user.id, strategy, action: "buy", price: "50000" });
    expect(result).toMatchObject({ ok: true, eventId: expect.any(String), execution: { outcome: "sent" } });
    expect(fetched.filter((url) => url.includes("/api/webhooks/"))).toEqual([]);
  });
});
