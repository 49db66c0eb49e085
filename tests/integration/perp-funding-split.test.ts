import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { exchangeAccounts, fills, fundingPayments, orders, signals } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { bookFunding } from "@/lib/engine/funding";
import type { ExchangeClient, FundingLine } from "@/lib/exchanges";
import { generateSignalSecret } from "@/lib/signals";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

// One payment on a symbol two strategies of one account trade, split by what each held at the funding time.
const testDb = useTestDatabase();
const SYMBOL = "BTC/USDT:USDT";

describe("a funding payment shared by strategies on one symbol", () => {
  it("goes to each by its size at the funding time, from the fill ledger, not by what it holds now", async () => {
    const user = await createUser({ name: "Fay", email: "fay-funding@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
    const [account] = await testDb.db.insert(exchangeAccounts).values({ userId: user.id, exchange: "okx", label: "OKX", spot: false, futures: true }).returning();
    const { hash, hint } = generateSignalSecret();
    const [signal] = await testDb.db.insert(signals).values({ name: "split", secretHash: hash, secretHint: hint }).returning();
    const created = new Date(Date.now() - 3 * 3_600_000);
    const make = (name: string) => insertStrategy({ userId: user.id, name, signalId: signal!.id, accountId: account!.id, symbol: SYMBOL, sizingMode: "quote", sizingValue: "100", leverage: 2, marginMode: "isolated", createdAt: created });
    const [a, b] = [await make("a"), await make("b")];
    const fundingAt = Date.now() - 3_600_000;
    // At the funding time A was long 0.03 and B short 0.01; since then A closed and B went to 0.05 short.
    const fill = async (strategyId: string, side: "buy" | "sell", amount: string, at: number) => {
      const [order] = await testDb.db
        .insert(orders)
        .values({ userId: user.id, accountId: account!.id, strategyId, clientOrderId: `c-${strategyId}-${at}`, symbol: SYMBOL, side, type: "market", amount, status: "filled", filled: amount, appliedFilled: amount })
        .returning();
      await testDb.db.insert(fills).values({ orderId: order!.id, strategyId, accountId: account!.id, userId: user.id, symbol: SYMBOL, side, amount, price: "60000", quoteValue: "0", filledAfter: amount, at: new Date(at) });
    };
    await fill(a.id, "buy", "0.03", fundingAt - 60_000);
    await fill(b.id, "sell", "0.01", fundingAt - 60_000);
    await fill(a.id, "sell", "0.03", fundingAt + 60_000);
    await fill(b.id, "sell", "0.04", fundingAt + 60_000);
    const line: FundingLine = { id: "bill-1", symbol: SYMBOL, amount: "-2", currency: "USDT", timestamp: fundingAt };
    const client = { marketType: "swap", fundingHistory: async () => [line] } as unknown as ExchangeClient;
    expect(await bookFunding(account!, client)).toBe(2);
    const booked = await testDb.db.select().from(fundingPayments).where(eq(fundingPayments.accountId, account!.id));
    expect(Object.fromEntries(booked.map((p) => [p.strategyId === a.id ? "a" : "b", p.amount]))).toEqual({ a: "-1.5", b: "-0.5" });
  });
});
