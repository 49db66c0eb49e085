import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { aiReasoningForOrders, aiSignalsForUser, claimAiLease, getAiSourceView, listAiSources, recentAiRuns, reasoningForEvents, releaseAiLease } from "@/db/queries/ai-sources";
import { aiRuns, aiSources, exchangeAccounts, orders, signalEvents, signals, strategies, users } from "@/db/schema";
import { runAiSource, runDueAiSources, sealAiKey, DEFAULT_PROMPT_TEMPLATE } from "@/lib/ai-sources";
import { recordPaperTicks } from "@/lib/exchanges/paper-candles";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { startFakeOpenAi, type FakeOpenAi } from "../helpers/fake-openai";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const API_KEY = "sk-test-very-secret-key-1234";
let fake: FakeOpenAi;
let slotNo = 0;
const enqueued: string[] = [];
const enqueue = async (id: string) => {
  enqueued.push(id);
};

beforeAll(async () => {
  fake = await startFakeOpenAi();
  // The paper market's price path: one price a minute for 80 minutes, rising then falling.
  const now = Date.now();
  const points = Array.from({ length: 80 }, (_, i) => ({ at: now - (80 - i) * 60_000, price: String(100 + (i < 50 ? i : 100 - i)) }));
  await recordPaperTicks(testDb.db, "BTC/USDT", points);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function makeSource(overrides: Partial<typeof aiSources.$inferInsert> = {}) {
  const name = `ai-sig-${randomUUID().slice(0, 8)}`;
  const [signal] = await testDb.db.insert(signals).values({ name, ...newSignalCredentials().columns }).returning();
  const id = randomUUID();
  await testDb.db.insert(aiSources).values({
    id,
    name: `source-${name}`,
    baseUrl: fake.baseUrl,
    model: "fake-chat",
    ...sealAiKey(id, API_KEY),
    signalId: signal!.id,
    symbols: ["BTC/USDT"],
    interval: "1m",
    everyMinutes: 1,
    promptTemplate: DEFAULT_PROMPT_TEMPLATE,
    minConfidence: "0.7",
    timeoutMs: 2_000,
    enabled: true,
    ...overrides,
  });
  return { id, signalId: signal!.id };
}

const run = (id: string, slot = `t${++slotNo}`) => runAiSource(id, { slot, enqueue });
const eventsOf = (signalId: string) => testDb.db.select().from(signalEvents).where(eq(signalEvents.signalId, signalId)).orderBy(asc(signalEvents.seq));
const runRow = async (id: string, slot: string) => (await testDb.db.select().from(aiRuns).where(eq(aiRuns.sourceId, id))).find((r) => r.slot === slot)!;

describe("AI signal source against a fake OpenAI-compatible server", () => {
  it("turns each scripted answer into exactly the right signal events and records the rest", async () => {
    const { id, signalId } = await makeSource();
    const cases = [
      { answer: { kind: "answer", action: "BUY", confidence: 0.9, reasoning: "RSI recovering, MACD crossing up." }, outcome: "signal" },
      { answer: { kind: "answer", action: "SELL", confidence: 0.8, reasoning: "Price below EMA(20), momentum fading." }, outcome: "signal" },
      { answer: { kind: "answer", action: "HOLD", confidence: 0.9, reasoning: "No edge." }, outcome: "hold" },
      { answer: { kind: "answer", action: "BUY", confidence: 0.5, reasoning: "Weak setup." }, outcome: "below_confidence" },
      { answer: { kind: "malformed" }, outcome: "malformed" },
      { answer: { kind: "refusal" }, outcome: "refused" },
      { answer: { kind: "rate_limited" }, outcome: "rate_limited" },
    ] as const;
    const slots: string[] = [];
    for (const c of cases) {
      fake.script(c.answer);
      const summary = await run(id);
      slots.push(summary!.slot);
      expect(summary!.results.map((r) => r.outcome)).toEqual([c.outcome]);
    }
    const events = await eventsOf(signalId);
    expect(events.map((e) => [e.action, e.symbol, e.comment])).toEqual([
      ["buy", "BTC/USDT", "RSI recovering, MACD crossing up."],
      ["sell", "BTC/USDT", "Price below EMA(20), momentum fading."],
    ]);
    expect(enqueued).toEqual(expect.arrayContaining(events.map((e) => e.id)));

    const buy = await runRow(id, slots[0]!);
    expect(buy).toMatchObject({ action: "BUY", confidence: "0.9", tokensIn: 120, tokensOut: 30, signalEventId: events[0]!.id });
    expect(buy.prompt).toContain("RSI(14): ");
    expect(buy.prompt).toMatch(/EMA\(50\): \d/);
    expect(buy.latencyMs).toBeGreaterThanOrEqual(0);
    const malformed = await runRow(id, slots[4]!);
    expect(malformed.rawAnswer).toContain('"confidence": "very"');
    expect(malformed.signalEventId).toBeNull();
    expect((await runRow(id, slots[5]!)).rawAnswer).toContain("can't provide");

    // The key went to the model as a bearer token, and the answer was asked for as JSON.
    expect(fake.requests.at(-1)!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fake.requests.at(-1)!.body.model).toBe("fake-chat");
    expect(fake.requests.at(-1)!.body.response_format).toEqual({ type: "json_object" });

    // Traders see the reasoning behind the events.
    const why = await reasoningForEvents(events.map((e) => e.id));
    expect(why.get(events[1]!.id)?.reasoning).toBe("Price below EMA(20), momentum fading.");
  });

  it("never makes a second event when the same slot runs again; a transient failure is asked again", async () => {
    const { id, signalId } = await makeSource();
    fake.script({ kind: "answer", action: "BUY", confidence: 0.95, reasoning: "Breakout." });
    await run(id, "same-slot");
    const asked = fake.requests.length;
    const again = await run(id, "same-slot");
    expect(again!.results[0]!.outcome).toBe("skipped");
    expect(fake.requests.length).toBe(asked);
    expect(await eventsOf(signalId)).toHaveLength(1);

    // 429 first, then the retry of that slot answers BUY: one event.
    const before = fake.requests.length;
    fake.script({ kind: "rate_limited" }, { kind: "answer", action: "SELL", confidence: 0.9, reasoning: "Retry answer." });
    expect((await run(id, "retry-slot"))!.results[0]!.outcome).toBe("rate_limited");
    expect((await run(id, "retry-slot"))!.results[0]!.outcome).toBe("signal");
    expect((await run(id, "retry-slot"))!.results[0]!.outcome).toBe("skipped");
    expect(fake.requests.length - before).toBe(2);
    expect((await eventsOf(signalId)).map((e) => e.action)).toEqual(["buy", "sell"]);
  });

  it("records a timeout and makes no signal", async () => {
    const { id, signalId } = await makeSource({ timeoutMs: 300 });
    fake.script({ kind: "timeout" });
    const summary = await run(id);
    expect(summary!.results[0]!.outcome).toBe("timeout");
    expect(await eventsOf(signalId)).toHaveLength(0);
  });

  it("enforces the daily caps on signals and tokens without asking the model", async () => {
    const capped = await makeSource({ dailySignalCap: 1 });
    fake.script({ kind: "answer", action: "BUY", confidence: 0.9, reasoning: "One." }, { kind: "answer", action: "SELL", confidence: 0.9, reasoning: "Two." });
    expect((await run(capped.id))!.results[0]!.outcome).toBe("signal");
    const asked = fake.requests.length;
    expect((await run(capped.id))!.results[0]!.outcome).toBe("capped");
    expect(fake.requests.length).toBe(asked);
    expect(await eventsOf(capped.signalId)).toHaveLength(1);
    fake.reset();

    const tokens = await makeSource({ dailyTokenCap: 100 });
    fake.script({ kind: "answer", action: "HOLD", confidence: 0.9, reasoning: "Spends 150 tokens." });
    expect((await run(tokens.id))!.results[0]!.outcome).toBe("hold");
    expect((await run(tokens.id))!.results[0]!.outcome).toBe("capped");
  });

  it("never shows the API key or its ciphertext in what the admin page reads", async () => {
    const { id } = await makeSource();
    fake.script({ kind: "answer", action: "HOLD", confidence: 0.6, reasoning: "Flat." });
    await run(id);
    const [row] = await testDb.db.select().from(aiSources).where(eq(aiSources.id, id));
    const pageData = JSON.stringify([await listAiSources(), await getAiSourceView(id), await recentAiRuns(id)]);
    expect(pageData).toContain("1234");
    expect(pageData).not.toContain(API_KEY);
    expect(pageData).not.toContain(row!.apiKeyEnc!);
    expect(pageData).not.toContain("apiKeyEnc");
  });

  it("shows a trader the reasoning behind their own orders only", async () => {
    const { id, signalId } = await makeSource();
    fake.script({ kind: "answer", action: "BUY", confidence: 0.9, reasoning: "Trend up, volume rising." });
    await run(id);
    const [event] = await eventsOf(signalId);
    const db = testDb.db;
    const [owner] = await db.insert(users).values({ email: `ai-owner-${id}@example.com`, name: "Owner", passwordHash: "x", role: 2 }).returning();
    const [other] = await db.insert(users).values({ email: `ai-other-${id}@example.com`, name: "Other", passwordHash: "x", role: 2 }).returning();
    const [account] = await db.insert(exchangeAccounts).values({ userId: owner!.id, exchange: "paper", label: "Paper" }).returning();
    const [order] = await db
      .insert(orders)
      .values({ userId: owner!.id, accountId: account!.id, source: "signal", eventId: event!.id, symbol: "BTC/USDT", type: "market", amount: "0.001", clientOrderId: randomUUID(), side: "buy", status: "filled" })
      .returning();
    const mine = await aiReasoningForOrders({ userId: owner!.id, orderIds: [order!.id] });
    expect(mine.get(order!.id)).toMatchObject({ reasoning: "Trend up, volume rising.", confidence: "0.9" });
    expect((await aiReasoningForOrders({ userId: other!.id, orderIds: [order!.id] })).size).toBe(0);
  });

  it("a run that outlived its lease neither frees the lease another run took since nor writes when it ran", async () => {
    const { id } = await makeSource({ enabled: false });
    const t0 = new Date(Date.now() - 10 * 60_000);
    const first = await claimAiLease(id, 1_000, t0);
    expect(first).not.toBeNull();
    expect(await claimAiLease(id, 1_000, new Date(t0.getTime() + 500))).toBeNull();
    // The first run stalls past its lease; another takes the source.
    const second = await claimAiLease(id, 60_000, new Date(t0.getTime() + 2_000));
    expect(second).not.toBeNull();
    expect(await releaseAiLease(id, t0, first!)).toBe(false);
    const [held] = await testDb.db.select().from(aiSources).where(eq(aiSources.id, id));
    expect(held?.leaseUntil?.getTime()).toBe(second!.getTime());
    expect(held?.lastRunAt).toBeNull();
    // Its holder releases it.
    const ranAt = new Date(t0.getTime() + 3_000);
    expect(await releaseAiLease(id, ranAt, second!)).toBe(true);
    const [released] = await testDb.db.select().from(aiSources).where(eq(aiSources.id, id));
    expect(released).toMatchObject({ leaseUntil: null, lastRunAt: ranAt });
  });

  it("runs due sources on their schedule, and a run cut short by the deadline stays due", async () => {
    await testDb.db.update(aiSources).set({ enabled: false });
    const { id, signalId } = await makeSource({ symbols: ["BTC/USDT", "ETH/USDT"], everyMinutes: 60 });
    fake.script({ kind: "answer", action: "BUY", confidence: 0.9, reasoning: "First." });
    // Budget 0: the first symbol is not even asked; the source stays due.
    expect((await runDueAiSources({ budgetMs: -1 })).processed).toBe(0);
    expect(fake.requests).toHaveLength(0);
    // ETH/USDT has no paper candles yet: recorded, the model not asked.
    expect((await runDueAiSources({ budgetMs: 10_000 })).processed).toBe(2);
    expect(fake.requests).toHaveLength(1);
    // Ran now: not due again for an hour.
    expect((await runDueAiSources({ budgetMs: 10_000 })).processed).toBe(0);
    expect(await eventsOf(signalId)).toHaveLength(1);
    const runs = await testDb.db.select().from(aiRuns).where(eq(aiRuns.sourceId, id));
    expect(runs.map((r) => r.outcome).sort()).toEqual(["no_candles", "signal"]);
  });
});

describe("paper by default: the strategy form's view of AI signals", () => {
  it("names the signals AI sources feed, and whether the trader already follows one with a strategy", async () => {
    const { signalId } = await makeSource();
    const [plain] = await testDb.db.insert(signals).values({ name: `plain-${randomUUID().slice(0, 8)}`, ...newSignalCredentials().columns }).returning();
    const [user] = await testDb.db.insert(users).values({ name: "Pia", email: `pia-${randomUUID().slice(0, 8)}@example.com`, passwordHash: "x" }).returning();
    const [account] = await testDb.db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: "Paper" }).returning();
    const strategy = (signal: string) => ({ userId: user!.id, name: `s-${signal.slice(0, 6)}`, signalId: signal, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "10" });

    const first = await aiSignalsForUser(user!.id);
    expect(first.signalIds).toContain(signalId);
    expect(first.signalIds).not.toContain(plain!.id);
    expect(first.followed).toBe(false);
    // A strategy on a webhook signal is not one on an AI signal.
    await testDb.db.insert(strategies).values(strategy(plain!.id));
    expect((await aiSignalsForUser(user!.id)).followed).toBe(false);
    await testDb.db.insert(strategies).values(strategy(signalId));
    expect((await aiSignalsForUser(user!.id)).followed).toBe(true);
  });
});
