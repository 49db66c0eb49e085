import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { exchangeAccounts, signals, strategies, users } from "@/db/schema";
import { parseBot } from "@/lib/bots";
import { findPaperMarket } from "@/lib/exchanges/paper-markets";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();

async function owner(n: number) {
  const db = testDb.db;
  const [user] = await db.insert(users).values({ email: `bots-${n}@example.com`, name: `B${n}`, passwordHash: "x", role: 2 }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Paper ${n}` }).returning();
  const [signal] = await db.insert(signals).values({ name: `bots-${n}`, secretHash: "h", secretHint: "abcd" }).returning();
  return { userId: user!.id, accountId: account!.id, signalId: signal!.id };
}

describe("the strategies' kind", () => {
  it("is `signal` with no bot settings for a strategy written without one", async () => {
    const { userId, accountId, signalId } = await owner(1);
    // As the code before bot kinds wrote it: no kind, no settings.
    await testDb.db.execute(sql`insert into strategies (user_id, name, signal_id, account_id, symbol, sizing_value) values (${userId}, 'old', ${signalId}, ${accountId}, 'BTC/USDT', '100')`);
    const [row] = await testDb.db.select().from(strategies).where(eq(strategies.userId, userId));
    expect(row).toMatchObject({ name: "old", kind: "signal", botSettings: null, takeProfitPct: null });
    expect(parseBot(row!.kind, row!.botSettings)).toMatchObject({ ok: true, bot: { kind: "signal" } });
  });

  it("keeps a bot's settings, which plan again after the round trip", async () => {
    const { userId, accountId, signalId } = await owner(2);
    const settings = { baseOrder: "100", safetyOrder: "50", maxSafetyOrders: 2, deviationPct: "1", stepScale: "1", volumeScale: "2", takeProfitPct: "1" };
    const [inserted] = await testDb.db.insert(strategies).values({ userId, name: "dca", kind: "dca", botSettings: settings, signalId, accountId, symbol: "BTC/USDT", sizingValue: "0" }).returning();
    const [row] = await testDb.db.select().from(strategies).where(eq(strategies.id, inserted!.id));
    expect(row?.kind).toBe("dca");
    const parsed = parseBot(row!.kind, row!.botSettings);
    if (!parsed.ok) throw parsed.error;
    const plan = parsed.bot.plan({ market: findPaperMarket("BTC/USDT")!, price: "60000" });
    // 100 / 60000 -> 0.00166; safety orders at 59400 (50 -> 0.00084) and 58800 (100 -> 0.0017).
    expect(plan.orders.map((o) => [o.price, o.amount])).toEqual([["60000", "0.00166"], ["59400", "0.00084"], ["58800", "0.0017"]]);
    // 99.6 + 49.896 + 99.96.
    expect(plan.fundsNeeded).toBe("249.456");
    expect(plan.refusals).toEqual([]);
  });
});
