import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  endedSessions,
  exchangeAccounts,
  orders,
  signalEvents,
  signals,
  strategies,
  strategyExecutions,
  strategyPositions,
  userDevices,
  users,
} from "@/db/schema";
import { useTestDatabase } from "../helpers/test-db";

type FakeSession = { user: { id: string; role: number }; sessionVersion: number; deviceId?: string; sessionId?: string } | null;
const current = vi.hoisted(() => ({ session: null as FakeSession }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => current.session }));

const { GET } = await import("@/app/api/me/changes/route");
const { recordExecution } = await import("@/lib/engine/execute");

const testDb = useTestDatabase();

type Trader = { userId: string; accountId: string; strategyId: string; deviceId: string; sessionId: string };

let signalId: string;
let n = 0;

async function makeTrader(): Promise<Trader> {
  const db = testDb.db;
  n += 1;
  const [user] = await db
    .insert(users)
    .values({ email: `live-${n}@example.com`, name: `Live ${n}`, passwordHash: "x", role: 2, emailVerifiedAt: new Date() })
    .returning();
  const [device] = await db.insert(userDevices).values({ userId: user!.id, deviceHash: `hash-${n}`, status: "trusted" }).returning();
  const [account] = await db.insert(exchangeAccounts).values({ userId: user!.id, exchange: "paper", label: `Paper ${n}` }).returning();
  const [strategy] = await db
    .insert(strategies)
    .values({ userId: user!.id, name: `Strategy ${n}`, signalId, accountId: account!.id, symbol: "BTC/USDT", sizingValue: "100" })
    .returning();
  return { userId: user!.id, accountId: account!.id, strategyId: strategy!.id, deviceId: device!.id, sessionId: randomUUID() };
}

function signIn(t: Trader, overrides: Partial<NonNullable<FakeSession>> = {}) {
  current.session = { user: { id: t.userId, role: 2 }, sessionVersion: 0, deviceId: t.deviceId, sessionId: t.sessionId, ...overrides };
}

async function poll(since?: string) {
  const url = new URL("http://127.0.0.1:3000/api/me/changes");
  if (since !== undefined) url.searchParams.set("since", since);
  const response = await GET(new NextRequest(url));
  return { status: response.status, body: (await response.json()) as { version?: string; changed?: boolean; error?: { code: string } } };
}

async function version(t: Trader) {
  signIn(t);
  const { status, body } = await poll();
  expect(status).toBe(200);
  return body.version!;
}

let orderSeq = 0;
async function placeOrder(t: Trader) {
  const [row] = await testDb.db
    .insert(orders)
    .values({ userId: t.userId, accountId: t.accountId, clientOrderId: `live-${++orderSeq}`, symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", status: "filled" })
    .returning();
  return row!;
}

async function newEvent() {
  const [event] = await testDb.db
    .insert(signalEvents)
    .values({ signalId, idempotencyKey: randomUUID(), action: "buy", symbol: "BTC/USDT", rawSymbol: "BTCUSDT" })
    .returning();
  return event!.id;
}

beforeAll(async () => {
  const [signal] = await testDb.db.insert(signals).values({ name: "live-signal", secretHash: "h", secretHint: "h" }).returning();
  signalId = signal!.id;
});

beforeEach(() => {
  current.session = null;
});

describe("GET /api/me/changes", () => {
  it("answers 401 without a session, and 400 for a malformed version", async () => {
    const anonymous = await poll();
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe("unauthorized");

    const me = await makeTrader();
    signIn(me);
    expect((await poll("not a version!")).status).toBe(400);
    expect((await poll("x".repeat(65))).status).toBe(400);
  });

  it("moves with my orders, executions and positions, and not with another trader's", async () => {
    const me = await makeTrader();
    const other = await makeTrader();
    const start = await version(me);
    signIn(me);
    expect((await poll(start)).body).toEqual({ version: start, changed: false });

    // Another trader's order, execution and position: my version stays.
    await placeOrder(other);
    await recordExecution({ strategyId: other.strategyId, eventId: await newEvent(), leg: "buy", outcome: "skipped", reason: "no_price" });
    await testDb.db.insert(strategyPositions).values({ strategyId: other.strategyId, amount: "1" });
    expect(await version(me)).toBe(start);
    expect(await version(other)).not.toBe(start);

    // My new order.
    const order = await placeOrder(me);
    const afterOrder = await version(me);
    expect(afterOrder).not.toBe(start);
    signIn(me);
    expect((await poll(start)).body).toEqual({ version: afterOrder, changed: true });

    // My order filling later (its updated_at moves).
    await new Promise((r) => setTimeout(r, 5));
    await testDb.db.update(orders).set({ filled: "0.01", updatedAt: new Date() }).where(eq(orders.id, order.id));
    const afterFill = await version(me);
    expect(afterFill).not.toBe(afterOrder);

    // A skip, then the same execution rewritten in place (waiting → skipped).
    const eventId = await newEvent();
    await recordExecution({ strategyId: me.strategyId, eventId, leg: "buy", outcome: "waiting", reason: "network" });
    const waiting = await version(me);
    expect(waiting).not.toBe(afterFill);
    await new Promise((r) => setTimeout(r, 5));
    await recordExecution({ strategyId: me.strategyId, eventId, leg: "buy", outcome: "skipped", reason: "expired" });
    const skipped = await version(me);
    expect(skipped).not.toBe(waiting);

    // The order monitor's protection note on my position.
    await testDb.db.insert(strategyPositions).values({ strategyId: me.strategyId, amount: "0.01" });
    const held = await version(me);
    expect(held).not.toBe(skipped);
    await testDb.db.update(strategyPositions).set({ protection: "unprotected", protectionNote: "tp_refused" }).where(eq(strategyPositions.strategyId, me.strategyId));
    expect(await version(me)).not.toBe(held);
  });

  it("refuses a session the database no longer backs", async () => {
    const me = await makeTrader();
    await version(me);

    signIn(me, { sessionVersion: 1 });
    expect((await poll()).status).toBe(401);

    signIn(me, { deviceId: undefined });
    expect((await poll()).status).toBe(401);

    const other = await makeTrader();
    signIn(me, { deviceId: other.deviceId });
    expect((await poll()).status).toBe(401);

    await testDb.db.insert(endedSessions).values({ sessionId: me.sessionId, userId: me.userId, expiresAt: new Date(Date.now() + 60_000) });
    signIn(me);
    expect((await poll()).status).toBe(401);

    const demoted = await makeTrader();
    await testDb.db.update(users).set({ role: 1 }).where(eq(users.id, demoted.userId));
    signIn(demoted);
    expect((await poll()).status).toBe(401);

    const revoked = await makeTrader();
    await testDb.db.update(userDevices).set({ status: "revoked" }).where(eq(userDevices.id, revoked.deviceId));
    signIn(revoked);
    expect((await poll()).status).toBe(401);
  });
});

describe("strategy executions", () => {
  it("stamp updated_at when rewritten in place", async () => {
    const me = await makeTrader();
    const eventId = await newEvent();
    await recordExecution({ strategyId: me.strategyId, eventId, leg: "buy", outcome: "waiting", reason: "network" });
    const [first] = await testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.eventId, eventId));
    await new Promise((r) => setTimeout(r, 5));
    await recordExecution({ strategyId: me.strategyId, eventId, leg: "buy", outcome: "skipped", reason: "expired" });
    const [second] = await testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.eventId, eventId));
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());
    expect(second!.createdAt.getTime()).toBe(first!.createdAt.getTime());
  });
});
