import "server-only";
import { env } from "@/lib/env";

export const LINK_CODE_MINUTES = 10;

/** The bot's settings; `token` unset means the Telegram channel is off. */
export function telegramConfig() {
  const e = env();
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    username: e.TELEGRAM_BOT_USERNAME,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    apiRoot: e.TELEGRAM_API_BASE.replace(/\/+$/, ""),
  };
}

export function telegramConfigured(): boolean {
  return Boolean(telegramConfig().token);
}
