import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { claimDeliveries } from "@/db/queries/notification-deliveries";
import { listInAppNotifications, saveNotificationSettings } from "@/db/queries/notifications";
import { notificationDeliveries, notificationEvents, rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { drainNotifications, emit, type ChannelSender, type NotificationEventInput } from "@/lib/notifications";
import { groupDueEvents, notifyTiming } from "@/lib/notifications/drain";
import { emailSender } from "@/lib/notifications/email-sender";
import { renderNotification } from "@/lib/notifications/render";
import { emitDailySummaries } from "@/lib/notifications/engine-events";
import { utcDay } from "@/lib/overview";
import { realizedPnlByQuote } from "@/lib/statistics/pnl";
import Decimal from "decimal.js";
import { startEmailCapture, type EmailCapture } from "../helpers/email-capture";
import { startTelegramCapture } from "../helpers/telegram-capture";
import { resetEnvForTests } from "@/lib/env";
import { telegramSender } from "@/lib/telegram/sender";
import { telegramLinks } from "@/db/schema";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";
import { BinanceSimulator } from "../simulator/binance-simulator";

/**
 * The notification outbox end to end: events written with the change, drained into Resend's real
 * client pointed at a local server that speaks its HTTP API (and honours its Idempotency-Key).
 */

const CRON_SECRET = "notify-cron-secret-0123456789";
process.env.CRON_SECRET = CRON_SECRET;
const { GET: notifyRoute } = await import("@/app/api/cron/notify/route");

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post } = tradingFixture(sim, testDb, "notify");
const API_KEY = "re_notify_test_key_0123456789";
const WINDOW = 10_000;
let capture: EmailCapture;
let n = 0;

const later = (ms = WINDOW + 1_000) => () => new Date(Date.now() + ms);
const mailsTo = (email: string) => capture.emails.filter((m) => m.to === email);
const noTelegram: ChannelSender = { channel: "telegram", configured: () => false, send: async () => ({ status: "skipped", reason: "off" }) };

async function drain(now = later()) {
  return drainNotifications({ now, windowMs: WINDOW, senders: { telegram: noTelegram }, budgetMs: 5_000 });
}

async function emitNow(event: Omit<NotificationEventInput, "dedupeKey"> & { dedupeKey?: string }) {
  const db = await getDb();
  return db.transaction((tx) => emit(tx, { dedupeKey: `test:${++n}`, ...event }));
}

const filled = (symbol = "BTC/USDT") => ({ type: "order.filled" as const, payload: { symbol, side: "buy", amount: "0.01", price: "60000", account: "main" } });

async function deliveriesOf(userId: string, channel: "email" | "telegram" = "email") {
  return testDb.db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.userId, userId), eq(notificationDeliveries.channel, channel)));
}

beforeAll(async () => {
  capture = await startEmailCapture({ apiKey: API_KEY });
  process.env.RESEND_API_KEY = API_KEY;
  process.env.RESEND_BASE_URL = capture.url;
});

afterAll(async () => {
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  await capture.stop();
});

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
  // Each test's groups start from nothing another test left due.
  await drain(later(10 * 24 * 3_600_000));
});

describe("notifications", () => {
  it("an order fill produces exactly one email, and the bell shows it", async () => {
    const t = await makeTrader();
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "fill-1" });
    for (let i = 0; i < 10; i++) {
      await drainSignals({ budgetMs: 3_000 });
      const [row] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, buy));
      if (row?.status !== "queued") break;
    }
    const events = await testDb.db.select().from(notificationEvents).where(eq(notificationEvents.userId, t.userId));
    expect(events.map((e) => e.type)).toContain("order.filled");

    // Within the grouping window nothing is sent yet.
    await drain(() => new Date());
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    expect(mailsTo(user!.email)).toHaveLength(0);

    await drain();
    await drain();
    const mails = mailsTo(user!.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("Order filled");
    expect(mails[0]!.text).toContain("BTC/USDT");
    expect(mails[0]!.idempotencyKey).toBeTruthy();
    expect((await deliveriesOf(t.userId)).find((d) => d.channel === "email")).toMatchObject({ status: "sent", attempts: 1 });

    const bell = await listInAppNotifications({ userId: t.userId });
    expect(bell.unread).toBeGreaterThanOrEqual(1);
    expect(bell.rows.map((r) => r.type)).toContain("order.filled");
  });

  it("the same change recorded twice emits once", async () => {
    const t = await makeTrader();
    expect(await emitNow({ userId: t.userId, ...filled(), dedupeKey: `order.filled:dup-${t.userId}` })).toBeTruthy();
    expect(await emitNow({ userId: t.userId, ...filled(), dedupeKey: `order.filled:dup-${t.userId}` })).toBeNull();
  });

  it("a failed delivery is retried with backoff and then succeeds", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    await emitNow({ userId: t.userId, ...filled() });
    capture.failNext({ status: 500, name: "internal_server_error", message: "boom" });
    const first = Date.now() + WINDOW + 1_000;
    await drain(() => new Date(first));
    expect(mailsTo(user!.email)).toHaveLength(0);
    const [failed] = await deliveriesOf(t.userId);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThan(first);

    // Not before its time…
    await drain(() => new Date(first + 1_000));
    expect(mailsTo(user!.email)).toHaveLength(0);
    // …then once.
    await drain(() => new Date(failed!.nextAttemptAt.getTime() + 1));
    expect(mailsTo(user!.email)).toHaveLength(1);
    expect((await deliveriesOf(t.userId))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("a delivery that keeps failing ends dead after NOTIFY_MAX_ATTEMPTS", async () => {
    const t = await makeTrader();
    await emitNow({ userId: t.userId, ...filled() });
    const broken: ChannelSender = { channel: "email", configured: () => true, send: async () => Promise.reject(new Error("down")) };
    let at = Date.now() + WINDOW + 1_000;
    for (let i = 0; i < 8; i++) {
      await drainNotifications({ now: () => new Date(at), windowMs: WINDOW, senders: { email: broken, telegram: noTelegram } });
      at += 7 * 3_600_000;
    }
    expect((await deliveriesOf(t.userId))[0]).toMatchObject({ status: "dead", attempts: 8 });
  });

  it("a crash after sending does not send again: the reclaimed delivery reuses its idempotency key", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    await emitNow({ userId: t.userId, ...filled() });
    const start = Date.now() + WINDOW + 1_000;
    // A drain groups, claims and sends… then dies before writing `sent`.
    await groupDueEvents({ now: new Date(start), windowMs: WINDOW });
    const claimed = await claimDeliveries({ now: new Date(start), leaseMs: notifyTiming.leaseMs, limit: 50 });
    const mine = claimed.find((d) => d.userId === t.userId && d.channel === "email")!;
    const message = renderNotification({ locale: "en", name: "x", events: [{ type: "order.filled", payload: filled().payload, createdAt: new Date() }], link: "http://localhost:3000/dashboard" });
    await emailSender.send({ userId: t.userId, deliveryKey: mine.id, message });
    expect(mailsTo(user!.email)).toHaveLength(1);
    expect((await deliveriesOf(t.userId))[0]).toMatchObject({ status: "sending" });

    // Inside the lease nobody touches it; past it, the next drain sends again under the same key.
    await drain(() => new Date(start + 1_000));
    expect((await deliveriesOf(t.userId))[0]).toMatchObject({ status: "sending" });
    await drain(() => new Date(start + notifyTiming.leaseMs + 1_000));
    expect((await deliveriesOf(t.userId))[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect(mailsTo(user!.email)).toHaveLength(1);
  });

  it("a burst of 20 fills is one grouped message", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    for (let i = 0; i < 20; i++) await emitNow({ userId: t.userId, ...filled(`C${i}/USDT`) });
    await drain();
    await drain();
    const mails = mailsTo(user!.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("20 new notifications");
    for (let i = 0; i < 20; i++) expect(mails[0]!.text).toContain(`C${i}/USDT`);
  });

  it("a channel turned off in settings sends nothing there; in-app still lists the event", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    await saveNotificationSettings({ userId: t.userId, matrix: { "order.filled": { email: false } }, quietStart: null, quietEnd: null, timeZone: "UTC" });
    await emitNow({ userId: t.userId, ...filled() });
    await drain();
    expect(mailsTo(user!.email)).toHaveLength(0);
    expect(await deliveriesOf(t.userId)).toHaveLength(0);
    expect((await listInAppNotifications({ userId: t.userId })).unread).toBe(1);
  });

  it("quiet hours defer a message to their end (not drop it); security alerts are never held", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    const now = new Date(Date.now() + WINDOW + 1_000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = new Date(now.getTime() + 2 * 3_600_000);
    await saveNotificationSettings({ userId: t.userId, matrix: {}, quietStart: hhmm(new Date(now.getTime() - 3_600_000)), quietEnd: hhmm(end), timeZone: "UTC" });
    const telegram: string[] = [];
    const fakeTelegram: ChannelSender = {
      channel: "telegram",
      configured: () => true,
      send: async ({ message }) => {
        telegram.push(message.text);
        return { status: "sent", id: `tg-${telegram.length}` };
      },
    };
    await emitNow({ userId: t.userId, ...filled() });
    await emitNow({ userId: t.userId, type: "security.alert", payload: { reason: "lockout" } });
    const run = (at: Date) => drainNotifications({ now: () => at, windowMs: WINDOW, senders: { telegram: fakeTelegram } });

    await run(now);
    // The fill (email and Telegram, grouped with the alert on Telegram) waits; nothing by email yet.
    expect(mailsTo(user!.email)).toHaveLength(0);
    const held = [...(await deliveriesOf(t.userId)), ...(await deliveriesOf(t.userId, "telegram"))];
    expect(held.find((d) => d.channel === "email")).toMatchObject({ status: "pending" });
    expect(held.find((d) => d.channel === "email")!.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime() + 3_600_000);
    expect(telegram).toHaveLength(1);
    expect(telegram[0]).toContain("locked");

    await run(new Date(end.getTime() + 60_000));
    expect(mailsTo(user!.email)).toHaveLength(1);
    const statuses = [...(await deliveriesOf(t.userId)), ...(await deliveriesOf(t.userId, "telegram"))].map((d) => d.status);
    expect(statuses.every((s) => s === "sent")).toBe(true);
  });

  it("the cron route drains only with the bearer secret", async () => {
    const t = await makeTrader();
    const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
    const denied = await notifyRoute(new Request("http://localhost/api/cron/notify", { headers: { authorization: "Bearer wrong-secret-0000000000000" } }));
    expect(denied.status).toBe(401);
    await emitNow({ userId: t.userId, type: "security.alert", payload: { reason: "new_device" } });
    await emitNow({ userId: t.userId, ...filled() });
    // Nothing is past the window yet: the route answers, sends nothing.
    const ok = await notifyRoute(new Request("http://localhost/api/cron/notify", { headers: { authorization: `Bearer ${CRON_SECRET}` } }));
    expect(ok.status).toBe(200);
    expect(mailsTo(user!.email)).toHaveLength(0);
  });

  it("renders every language", () => {
    for (const locale of ["en", "ru", "uk"]) {
      const m = renderNotification({ locale, name: "Ann", events: [{ type: "strategy.stopped", payload: { strategy: "S1", reason: "kill_switch" }, createdAt: new Date() }], link: "http://localhost:3000/dashboard" });
      expect(m.text).toContain("S1");
      expect(m.html).toContain(`lang="${locale}"`);
    }
  });

  it("the daily summary reports each account's realized P&L from the fill ledger, as the statistics do", async () => {
    const t = await makeTrader();
    const settle = async (id: string) => {
      for (let i = 0; i < 10; i++) {
        await drainSignals({ budgetMs: 3_000 });
        const [row] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, id));
        if (row?.status !== "queued") break;
      }
    };
    await settle(await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "day-buy" }));
    sim.setPrice("BTCUSDT", "61000");
    await settle(await post(t, { action: "close", symbol: "BTC/USDT", price: "61000", id: "day-close" }));
    const today = await realizedPnlByQuote({ userId: t.userId, ...utcDay(new Date()) });
    expect(today).toHaveLength(1);
    expect(new Decimal(today[0]!.amount).gt(0)).toBe(true);

    await emitDailySummaries(new Date(Date.now() + 86_400_000));
    const summaries = await testDb.db
      .select()
      .from(notificationEvents)
      .where(and(eq(notificationEvents.userId, t.userId), eq(notificationEvents.type, "daily.summary")));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.payload).toMatchObject({ currency: "USDT" });
    expect(new Decimal((summaries[0]!.payload as { pnl: string }).pnl).eq(today[0]!.amount)).toBe(true);
  });

  it("an order fill produces exactly one email and one Telegram message to the linked chat", async () => {
    const TOKEN = "123456:notify-telegram-token";
    const telegram = await startTelegramCapture({ token: TOKEN });
    Object.assign(process.env, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BOT_USERNAME: "SignalBridgeTestBot", TELEGRAM_API_BASE: telegram.url });
    resetEnvForTests();
    try {
      const t = await makeTrader();
      await testDb.db.insert(telegramLinks).values({ userId: t.userId, chatId: "4242", username: "trader" });
      const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "fill-tg" });
      for (let i = 0; i < 10; i++) {
        await drainSignals({ budgetMs: 3_000 });
        const [row] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, buy));
        if (row?.status !== "queued") break;
      }
      const [user] = await testDb.db.query.users.findMany({ where: (u, { eq: is }) => is(u.id, t.userId) });
      const real = { now: later(), windowMs: WINDOW, senders: { telegram: telegramSender }, budgetMs: 5_000 };
      await drainNotifications(real);
      await drainNotifications(real);
      expect(mailsTo(user!.email)).toHaveLength(1);
      const messages = telegram.of("sendMessage").filter((c) => String(c.body.chat_id) === "4242");
      expect(messages).toHaveLength(1);
      expect(String(messages[0]!.body.text)).toContain("BTC/USDT");
    } finally {
      for (const key of ["TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "TELEGRAM_API_BASE"]) delete process.env[key];
      resetEnvForTests();
      await telegram.stop();
    }
  });
});

