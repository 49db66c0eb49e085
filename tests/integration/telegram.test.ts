import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import { POST } from "@/app/api/telegram/webhook/route";
import { auditLog, telegramLinks, userDevices, users } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { createLinkCode, telegramSender, TelegramSendError } from "@/lib/telegram";
import { connectTelegramAction, disconnectTelegramAction } from "@/lib/telegram/actions";
import { resetTelegramBotForTests } from "@/lib/telegram/bot";
import { createUser } from "@/lib/users";
import messages from "@/messages/en.json";
import en from "@/messages/en.telegram.json";
import ru from "@/messages/ru.telegram.json";
import { useTestDatabase } from "../helpers/test-db";
import { startTelegramCapture, telegramUpdates, webhookRequest, type TelegramCapture } from "../helpers/telegram-capture";

// The connect and disconnect actions run as in Next.js, with the session and request supplied here.
type FakeSession = { user: { id: string; role: number }; sessionVersion: number; deviceId?: string; deviceTrusted: boolean; emailVerified: boolean; sessionId: string; twoFactorSetup: boolean };
const session = vi.hoisted(() => ({ current: null as null | FakeSession }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages: { ...messages, ...en } }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.7" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const TOKEN = "123456789:AAtelegram-test-token-abcdefghij";
const SECRET = "telegram-webhook-secret-0123456789";
const testDb = useTestDatabase();
const updates = telegramUpdates();
const message = { subject: "Order filled", text: "BTC/USDT buy filled: 0.01 at 50000", html: "<p>filled</p>" };
let capture: TelegramCapture;
let counter = 0;

function configure(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
  resetTelegramBotForTests();
}

beforeAll(async () => {
  capture = await startTelegramCapture({ token: TOKEN });
  configure({
    AUTH_SECRET: "telegram-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "telegram-master-key-0123456789abcdefghijk",
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_BOT_USERNAME: "SignalBridgeTestBot",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_BASE: capture.url,
  });
});
afterAll(() => capture.stop());
beforeEach(() => capture.clear());

async function makeUser(locale: string | null = null) {
  const n = ++counter;
  return createUser({ name: `tg${n}`, email: `tg-${n}@example.com`, passwordHash: "$argon2id$fake", autoApprove: true, locale });
}

const send = (update: unknown, secret: string | null = SECRET) => POST(webhookRequest(update, secret));
const repliesTo = (chatId: number) => capture.of("sendMessage").filter((c) => Number(c.body.chat_id) === chatId).map((c) => c.body.text);
const linkOf = async (userId: string) => (await testDb.db.select().from(telegramLinks).where(eq(telegramLinks.userId, userId)))[0];

/** Links a new user's chat through the webhook, as pressing Start in Telegram does. */
async function linkedUser(chatId: number, locale: string | null = null) {
  const user = await makeUser(locale);
  const { code } = await createLinkCode(user.id);
  expect((await send(updates.text(chatId, `/start ${code}`))).status).toBe(200);
  expect(await linkOf(user.id)).toMatchObject({ chatId: String(chatId) });
  capture.clear();
  return user;
}

describe("linking through the webhook", () => {
  it("refuses a missing or wrong secret token with 401 and changes nothing", async () => {
    const user = await makeUser();
    const { code } = await createLinkCode(user.id);
    for (const secret of [null, "wrong-secret-0123456789abcdef", `${SECRET}x`]) {
      const res = await send(updates.text(5001, `/start ${code}`), secret);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect(capture.calls).toEqual([]);
    expect(await linkOf(user.id)).toBeUndefined();
    // The code was not spent by the refused requests.
    expect((await send(updates.text(5001, `/start ${code}`))).status).toBe(200);
    expect(await linkOf(user.id)).toMatchObject({ chatId: "5001", username: "user5001" });
  });

  it("links the chat with a fresh code, audits it, and refuses the same code a second time", async () => {
    const user = await makeUser();
    const { code, url } = await createLinkCode(user.id);
    expect(url).toBe(`https://t.me/SignalBridgeTestBot?start=${code}`);
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await send(updates.text(5002, `/start ${code}`))).status).toBe(200);
    expect(await linkOf(user.id)).toMatchObject({ chatId: "5002" });
    expect(repliesTo(5002)).toEqual([en.telegram.bot.linked.replace("{help}", en.telegram.bot.help)]);
    const audit = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, user.id), eq(auditLog.action, "settings.telegram_linked")));
    expect(audit).toHaveLength(1);

    // Someone else replaying the code from another chat gets nothing.
    expect((await send(updates.text(5003, `/start ${code}`))).status).toBe(200);
    expect(repliesTo(5003)).toEqual([en.telegram.bot.codeInvalid]);
    expect(await linkOf(user.id)).toMatchObject({ chatId: "5002" });
  });

  it("refuses an expired code with a clear reply", async () => {
    const user = await makeUser();
    const { code } = await createLinkCode(user.id, new Date(Date.now() - 11 * 60_000));
    expect((await send(updates.text(5004, `/start ${code}`))).status).toBe(200);
    expect(repliesTo(5004)).toEqual([en.telegram.bot.codeExpired]);
    expect(await linkOf(user.id)).toBeUndefined();
  });

  it("only the latest code works, and linking happens in private chats only", async () => {
    const user = await makeUser();
    const first = await createLinkCode(user.id);
    const second = await createLinkCode(user.id);
    await send(updates.text(5005, `/start ${first.code}`));
    expect(repliesTo(5005)).toEqual([en.telegram.bot.codeInvalid]);
    await send(updates.text(-1005, `/start ${second.code}`, { chatType: "group" }));
    expect(repliesTo(-1005)).toEqual([en.telegram.bot.privateOnly]);
    expect(await linkOf(user.id)).toBeUndefined();
  });

  it("answers in the user's language once linked, in Telegram's before", async () => {
    await send(updates.text(5006, "hello", { languageCode: "uk" }));
    const uk = (await import("@/messages/uk.telegram.json")).default;
    expect(repliesTo(5006)).toEqual([uk.telegram.bot.welcome]);
    await linkedUser(5007, "ru");
    await send(updates.text(5007, "/status"));
    const [status] = repliesTo(5007) as string[];
    expect(status).toContain(ru.telegram.bot.tradingOn);
    expect(status).toContain(ru.telegram.bot.noPositions);
    expect(status).toContain(ru.telegram.bot.todayFlat);
  });

  it("/stop unlinks the chat and audits it; an unlinked chat is told how to connect", async () => {
    const user = await linkedUser(5008);
    await send(updates.text(5008, "/stop"));
    expect(await linkOf(user.id)).toBeUndefined();
    expect(repliesTo(5008)).toEqual([en.telegram.bot.unlinked]);
    const audit = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, user.id), eq(auditLog.action, "settings.telegram_unlinked")));
    expect(audit.map((a) => a.detail)).toEqual([{ via: "telegram" }]);
    capture.clear();
    await send(updates.text(5008, "/status"));
    expect(repliesTo(5008)).toEqual([en.telegram.bot.notLinked]);
  });

  it("answers 400 to a body that is not a Telegram update, without calling the Bot API", async () => {
    expect((await send("not json")).status).toBe(400);
    const res = await send({ update_id: "x", message: { chat: {} } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/update_id/);
    // Kinds of update the bot does not read are accepted and ignored.
    expect((await send({ update_id: 77, my_chat_member: { chat: { id: 1 } } })).status).toBe(200);
    expect(capture.of("sendMessage")).toEqual([]);
  });

  it("answers 200 when Telegram refuses the reply (no retry can help), 500 when Telegram is down", async () => {
    capture.failNext("sendMessage", { status: 403, description: "Forbidden: bot was blocked by the user" });
    expect((await send(updates.text(5009, "/status"))).status).toBe(200);
    capture.failNext("sendMessage", { status: 502, description: "Bad Gateway" });
    expect((await send(updates.text(5009, "/status"))).status).toBe(500);
  });

  it("refuses commands to a linked account that may no longer trade", async () => {
    const user = await linkedUser(5010);
    await testDb.db.update(users).set({ role: 1 }).where(eq(users.id, user.id));
    await send(updates.text(5010, "/pause"));
    await send(updates.text(5010, "/status"));
    expect(repliesTo(5010)).toEqual([en.telegram.bot.noPermission, en.telegram.bot.noPermission]);
  });
});

describe("telegramSender", () => {
  it("sends exactly one message to a linked chat and skips a user without one", async () => {
    const linked = await linkedUser(6001);
    const result = await telegramSender.send({ userId: linked.id, deliveryKey: "evt-1:telegram", message });
    expect(result).toMatchObject({ status: "sent" });
    expect(capture.of("sendMessage")).toHaveLength(1);
    expect(capture.of("sendMessage")[0]!.body).toMatchObject({ chat_id: "6001", text: message.text });

    const other = await makeUser();
    expect(await telegramSender.send({ userId: other.id, deliveryKey: "evt-2:telegram", message })).toEqual({ status: "skipped", reason: "telegram_not_linked" });
    expect(capture.of("sendMessage")).toHaveLength(1);
  });

  it("throws on 429, 5xx and a dropped connection so the drain retries, then sends", async () => {
    const user = await linkedUser(6002);
    const input = { userId: user.id, deliveryKey: "evt-3:telegram", message };
    capture.failNext("sendMessage", { status: 429, description: "Too Many Requests: retry after 7", retryAfter: 7 });
    const limited = await telegramSender.send(input).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(TelegramSendError);
    expect((limited as TelegramSendError).retryAfterSeconds).toBe(7);
    capture.failNext("sendMessage", { status: 502, description: "Bad Gateway" });
    await expect(telegramSender.send(input)).rejects.toBeInstanceOf(TelegramSendError);
    capture.dropNext("sendMessage");
    await expect(telegramSender.send(input)).rejects.toBeInstanceOf(TelegramSendError);
    expect(capture.of("sendMessage")).toHaveLength(0);
    expect(await telegramSender.send(input)).toMatchObject({ status: "sent" });
    expect(capture.of("sendMessage")).toHaveLength(1);
    expect(await linkOf(user.id)).toBeDefined();
  });

  it("unlinks and skips when the user blocked the bot", async () => {
    const user = await linkedUser(6003);
    capture.failNext("sendMessage", { status: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await telegramSender.send({ userId: user.id, deliveryKey: "evt-4:telegram", message })).toEqual({ status: "skipped", reason: "telegram_blocked" });
    expect(await linkOf(user.id)).toBeUndefined();
    expect(await telegramSender.send({ userId: user.id, deliveryKey: "evt-5:telegram", message })).toEqual({ status: "skipped", reason: "telegram_not_linked" });
  });

  it("is off without a bot token: skipped, and the webhook says it is not configured", async () => {
    const user = await linkedUser(6004);
    configure({ TELEGRAM_BOT_TOKEN: undefined });
    try {
      expect(telegramSender.configured()).toBe(false);
      expect(await telegramSender.send({ userId: user.id, deliveryKey: "evt-6:telegram", message })).toEqual({ status: "skipped", reason: "telegram_not_configured" });
      expect((await send(updates.text(6004, "/status"))).status).toBe(503);
      expect(capture.calls).toEqual([]);
    } finally {
      configure({ TELEGRAM_BOT_TOKEN: TOKEN });
    }
    // The user row is untouched by all of this.
    expect((await testDb.db.select({ id: users.id }).from(users).where(eq(users.id, user.id))).length).toBe(1);
  });
});

/** A trader signed in from a trusted device with a verified address. */
async function signIn() {
  const n = ++counter;
  const user = await createUser({ name: `a${n}`, email: `tga-${n}@example.com`, passwordHash: "x", autoApprove: true });
  await testDb.db.update(users).set({ emailVerifiedAt: new Date(), role: 2 }).where(eq(users.id, user.id));
  const [device] = await testDb.db.insert(userDevices).values({ userId: user.id, deviceHash: `tga-${n}`, status: "trusted" }).returning();
  session.current = { user: { id: user.id, role: 2 }, sessionVersion: 0, deviceId: device!.id, deviceTrusted: true, emailVerified: true, sessionId: crypto.randomUUID(), twoFactorSetup: false };
  return user.id;
}

const auditOf = async (userId: string, action: string) => testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, userId), eq(auditLog.action, action)));

async function connect(chatId: number) {
  const state = await connectTelegramAction({}, new FormData());
  expect(state.ok).toBe(true);
  const url = new URL(state.reveal!.url!);
  expect(`${url.origin}${url.pathname}`).toBe("https://t.me/SignalBridgeTestBot");
  const code = url.searchParams.get("start")!;
  expect(state.reveal!.command).toBe(`/start ${code}`);
  expect((await POST(webhookRequest(updates.text(chatId, `/start ${code}`), SECRET))).status).toBe(200);
}

describe("connect and disconnect actions", () => {
  it("connect makes a code for the signed-in user that links their chat; disconnect unlinks only theirs", async () => {
    const ann = await signIn();
    await connect(8001);
    expect(await linkOf(ann)).toMatchObject({ chatId: "8001" });
    expect(await auditOf(ann, "settings.telegram_code_created")).toHaveLength(1);

    const ben = await signIn();
    await connect(8002);
    const state = await disconnectTelegramAction({}, new FormData());
    expect(state).toEqual({ ok: true, message: en.telegram.connect.disconnected });
    expect(await linkOf(ben)).toBeUndefined();
    expect(await linkOf(ann)).toMatchObject({ chatId: "8001" });
    expect((await auditOf(ben, "settings.telegram_unlinked")).map((a) => [a.detail, a.actorId])).toEqual([[{ via: "web" }, ben]]);
  });

  it("moving a chat to another account unlinks it from the first, audited for both", async () => {
    const cat = await signIn();
    await connect(8003);
    const dan = await signIn();
    await connect(8003);
    expect(await linkOf(cat)).toBeUndefined();
    expect(await linkOf(dan)).toMatchObject({ chatId: "8003" });
    expect((await auditOf(cat, "settings.telegram_unlinked")).map((a) => a.detail)).toEqual([{ via: "relinked" }]);
  });

  it("refuses a caller who is not signed in or not a trader", async () => {
    session.current = null;
    expect((await connectTelegramAction({}, new FormData())).message).toBe("Please sign in again.");
    const eve = await signIn();
    await testDb.db.update(users).set({ role: 1 }).where(eq(users.id, eve));
    expect(await connectTelegramAction({}, new FormData())).toEqual({ message: "You do not have permission to do this." });
    expect(await auditOf(eve, "settings.telegram_code_created")).toHaveLength(0);
  });
});
