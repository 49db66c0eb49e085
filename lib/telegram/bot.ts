import "server-only";
import { Bot } from "grammy";
import { registerCommands } from "./commands";
import { telegramConfig } from "./config";

type Cached = { key: string; bot: Bot; ready?: Promise<void> };

const holder = globalThis as { __sbTelegramBot?: Cached };

/** The one grammY bot of the process (per token and API base), with the commands registered. */
export function getBot(): Bot {
  const { token, apiRoot } = telegramConfig();
  if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const key = `${apiRoot}\n${token}`;
  if (holder.__sbTelegramBot?.key !== key) {
    // grammY's default wait is 500 s; a notification or a reply that slow is better retried.
    const bot = new Bot(token, { client: { apiRoot, timeoutSeconds: 10 } });
    registerCommands(bot);
    holder.__sbTelegramBot = { key, bot };
  }
  return holder.__sbTelegramBot.bot;
}

/** The bot ready to handle updates: grammY needs its own identity (getMe) once per process for that. */
export async function readyBot(): Promise<Bot> {
  const bot = getBot();
  const cached = holder.__sbTelegramBot!;
  if (!bot.isInited()) {
    cached.ready ??= bot.init().catch((error: unknown) => {
      cached.ready = undefined;
      throw error;
    });
    await cached.ready;
  }
  return bot;
}

export function resetTelegramBotForTests() {
  holder.__sbTelegramBot = undefined;
}
