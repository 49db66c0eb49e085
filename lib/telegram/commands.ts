import "server-only";
import { InlineKeyboard, type Bot, type Context } from "grammy";
import { writeAudit } from "@/db/queries/audit";
import { getTradingState, setTradingEnabled } from "@/db/queries/strategies";
import { deleteTelegramLink, findUserByChat, linkChatWithCode } from "@/db/queries/telegram";
import { can, type Permission } from "@/lib/auth/roles";
import { notifyStrategyStopped } from "@/lib/notifications/engine-events";
import { hashLinkCode } from "./codes";
import { botLocale, botTranslator, type BotTranslator } from "./i18n";
import { statusText } from "./status";

export const PAUSE_CONFIRM = "pause:confirm";
export const PAUSE_CANCEL = "pause:cancel";

const CODE = /^[A-Za-z0-9_-]{1,64}$/;
const BOT_META = { ip: null, userAgent: "telegram" };

type Caller = { userId: string; locale: string | null; role: number; disabled: boolean };

/** Who the chat belongs to (if linked) and a translator in their language. */
async function caller(ctx: Context): Promise<{ user?: Caller; t: BotTranslator }> {
  const chatId = ctx.chat?.id;
  const user = chatId === undefined ? undefined : await findUserByChat({ chatId: String(chatId) });
  return { user, t: botTranslator(botLocale(user?.locale, ctx.from?.language_code)) };
}

/** The linked user when they may do this; otherwise answers why not and returns nothing. */
async function allowed(ctx: Context, permission: Permission) {
  const { user, t } = await caller(ctx);
  if (!user) {
    await answer(ctx, t("notLinked"));
    return null;
  }
  if (user.disabled || !can(user.role, permission)) {
    await answer(ctx, t("noPermission"));
    return null;
  }
  return { user, t };
}

/** A reply to a message, or, for a button press, the pressed message rewritten. */
async function answer(ctx: Context, text: string) {
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(text);
  } else await ctx.reply(text);
}

async function onStart(ctx: Context & { match: string }) {
  const { user, t } = await caller(ctx);
  if (ctx.chat?.type !== "private") return void (await ctx.reply(t("privateOnly")));
  const code = ctx.match.trim();
  if (!code) return void (await ctx.reply(user ? t("help") : t("welcome")));
  if (!CODE.test(code)) return void (await ctx.reply(t("codeInvalid")));
  const result = await linkChatWithCode({ codeHash: hashLinkCode(code), chatId: String(ctx.chat.id), username: ctx.from?.username ?? null });
  if (result.status === "expired") return void (await ctx.reply(t("codeExpired")));
  if (result.status === "invalid") return void (await ctx.reply(t("codeInvalid")));
  await writeAudit({ action: "settings.telegram_linked", userId: result.userId, actorId: result.userId, detail: { via: "telegram", username: ctx.from?.username ?? null }, ...BOT_META });
  if (result.movedFrom) {
    await writeAudit({ action: "settings.telegram_unlinked", userId: result.movedFrom, actorId: result.userId, detail: { via: "relinked" }, ...BOT_META });
  }
  const linked = await caller(ctx);
  await ctx.reply(linked.t("linked", { help: linked.t("help") }));
}

async function onStatus(ctx: Context) {
  const ok = await allowed(ctx, "dashboard.view");
  if (ok) await ctx.reply(await statusText(ok.user.userId, ok.t));
}

async function onPause(ctx: Context) {
  const ok = await allowed(ctx, "trading.manage");
  if (!ok) return;
  const { t, user } = ok;
  const state = await getTradingState(user.userId);
  if (!state.enabled) return void (await ctx.reply(state.keepsExits ? t("alreadyPaused") : t("alreadyStopped")));
  const keyboard = new InlineKeyboard().text(t("pauseConfirm"), PAUSE_CONFIRM).text(t("pauseCancel"), PAUSE_CANCEL);
  await ctx.reply(t("pauseQuestion"), { reply_markup: keyboard });
}

/**
 * The confirmed pause: the same switch and audit entry as the web's "Pause entries". A user whose
 * trading is stopped entirely stays stopped (leaving "stop everything" needs a recent password).
 */
async function onPauseConfirm(ctx: Context) {
  const ok = await allowed(ctx, "trading.manage");
  if (!ok) return;
  const { t, user } = ok;
  const state = await getTradingState(user.userId);
  if (!state.enabled) return answer(ctx, state.keepsExits ? t("alreadyPaused") : t("alreadyStopped"));
  await setTradingEnabled(user.userId, false, true, async (tx) => {
    await writeAudit({ action: "switch.trading_off", userId: user.userId, actorId: user.userId, detail: { mode: "pause", via: "telegram" }, ...BOT_META }, tx);
    await notifyStrategyStopped(tx, { userId: user.userId, scope: "all", strategy: "", reason: "kill_switch", changeId: `${user.userId}:all:${Date.now()}` });
  });
  await answer(ctx, t("paused"));
}

async function onPauseCancel(ctx: Context) {
  const { t } = await caller(ctx);
  await answer(ctx, t("pauseCanceled"));
}

async function onStop(ctx: Context) {
  const { user, t } = await caller(ctx);
  if (!user) return void (await ctx.reply(t("notLinked")));
  if (await deleteTelegramLink({ userId: user.userId, chatId: String(ctx.chat!.id) })) {
    await writeAudit({ action: "settings.telegram_unlinked", userId: user.userId, actorId: user.userId, detail: { via: "telegram" }, ...BOT_META });
  }
  await ctx.reply(t("unlinked"));
}

async function onOther(ctx: Context) {
  if (ctx.chat?.type !== "private") return;
  const { user, t } = await caller(ctx);
  await ctx.reply(user ? t("help") : t("welcome"));
}

export function registerCommands(bot: Bot) {
  bot.command("start", onStart);
  bot.command("help", onOther);
  bot.command("status", onStatus);
  bot.command("pause", onPause);
  bot.command("stop", onStop);
  bot.callbackQuery(PAUSE_CONFIRM, onPauseConfirm);
  bot.callbackQuery(PAUSE_CANCEL, onPauseCancel);
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  bot.on("message:text", onOther);
}
