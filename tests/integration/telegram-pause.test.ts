import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { POST } from "@/app/api/telegram/webhook/route";
import { auditLog, notificationEvents, users } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { resetEnvForTests } from "@/lib/env";
import { createLinkCode } from "@/lib/telegram";
import { PAUSE_CANCEL, PAUSE_CONFIRM } from "@/lib/telegram/commands";
import { resetTelegramBotForTests } from "@/lib/telegram/bot";
import en from "@/messages/en.telegram.json";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { startTelegramCapture, telegramUpdates, webhookRequest, type TelegramCapture } from "../helpers/telegram-capture";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/** "/pause" from Telegram, confirmed with the inline button, stops the trader's next entry like the web switch. */

const TOKEN = "987654321:AApause-test-token-abcdefghijklmn";
const SECRET = "telegram-pause-secret-0123456789";
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, executionOf, ordersOf } = tradingFixture(sim, testDb, "tgpause");
const updates = telegramUpdates();
let capture: TelegramCapture;

beforeAll(async () => {
  capture = await startTelegramCapture({ token: TOKEN });
  Object.assign(process.env, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BOT_USERNAME: "PauseTestBot", TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: capture.url });
  resetEnvForTests();
  resetTelegramBotForTests();
  sim.setPrice("BTCUSDT", "50000");
});
afterAll(() => capture.stop());

const send = async (update: unknown) => expect((await POST(webhookRequest(update, SECRET))).status).toBe(200);
const tradingOf = async (userId: string) => (await testDb.db.select({ enabled: users.tradingEnabled, keepsExits: users.tradingKeepsExits }).from(users).where(eq(users.id, userId)))[0];

describe("/pause through the bot", () => {
  it("asks with an inline button, pauses on confirm (audited like the web switch), and the next entry is skipped", async () => {
    const t = await makeTrader();
    const chatId = 7001;
    const { code } = await createLinkCode(t.userId);
    await send(updates.text(chatId, `/start ${code}`));

    // An entry before the pause goes through.
    const before = await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "tg-before" });
    await drainSignals({ budgetMs: 10_000 });
    expect((await executionOf(t.strategyId, before))?.outcome).toBe("sent");
    const ordersBefore = (await ordersOf(t.strategyId)).length;

    capture.clear();
    await send(updates.text(chatId, "/pause"));
    const [question] = capture.of("sendMessage");
    expect(question!.body.text).toBe(en.telegram.bot.pauseQuestion);
    const keyboard = (question!.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(keyboard.map((b) => b.callback_data)).toEqual([PAUSE_CONFIRM, PAUSE_CANCEL]);
    // Asking changes nothing; "Keep trading" changes nothing either.
    expect(await tradingOf(t.userId)).toEqual({ enabled: true, keepsExits: true });
    await send(updates.button(chatId, PAUSE_CANCEL, 500));
    expect(await tradingOf(t.userId)).toEqual({ enabled: true, keepsExits: true });

    capture.clear();
    await send(updates.button(chatId, PAUSE_CONFIRM, 500));
    expect(capture.of("answerCallbackQuery")).toHaveLength(1);
    expect(capture.of("editMessageText").map((c) => c.body)).toEqual([expect.objectContaining({ chat_id: chatId, message_id: 500, text: en.telegram.bot.paused })]);
    expect(await tradingOf(t.userId)).toEqual({ enabled: false, keepsExits: true });
    const audit = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, t.userId), eq(auditLog.action, "switch.trading_off")));
    expect(audit.map((a) => a.detail)).toEqual([{ mode: "pause", via: "telegram" }]);
    // Like the web's switch, the pause tells the trader's other channels (written with the switch).
    const stopped = await testDb.db.select().from(notificationEvents).where(and(eq(notificationEvents.userId, t.userId), eq(notificationEvents.type, "strategy.stopped")));
    expect(stopped.map((e) => e.payload)).toEqual([{ scope: "all", strategy: "", reason: "kill_switch" }]);

    const after = await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "tg-after" });
    await drainSignals({ budgetMs: 10_000 });
    expect(await executionOf(t.strategyId, after)).toMatchObject({ outcome: "skipped", reason: "trading_paused" });
    expect((await ordersOf(t.strategyId)).length).toBe(ordersBefore);

    // A second /pause says so instead of asking again.
    capture.clear();
    await send(updates.text(chatId, "/pause"));
    expect(capture.of("sendMessage").map((c) => c.body.text)).toEqual([en.telegram.bot.alreadyPaused]);

    // /status shows the pause and the position the first entry opened, valued at the market's price.
    capture.clear();
    await send(updates.text(chatId, "/status"));
    const status = String(capture.of("sendMessage")[0]?.body.text);
    expect(status).toContain(en.telegram.bot.tradingPaused);
    expect(status).toContain(en.telegram.bot.positionsTitle.replace("{count}", "1"));
    expect(status).toMatch(/t\d+ BTC · BTC\/USDT: 0\.01\d* at [\d.]+, [+-]?[\d.]+ USDT \([+-]?[\d.]+%\)/);
    expect(status).toContain(en.telegram.bot.todayFlat);
  });

  it("refuses /pause from a chat that is not linked", async () => {
    capture.clear();
    await send(updates.text(7002, "/pause"));
    await send(updates.button(7002, PAUSE_CONFIRM, 501));
    expect(capture.of("sendMessage").map((c) => c.body.text)).toEqual([en.telegram.bot.notLinked]);
    expect(capture.of("editMessageText").map((c) => c.body.text)).toEqual([en.telegram.bot.notLinked]);
  });
});
