import "server-only";
import { GrammyError } from "grammy";
import { writeAudit } from "@/db/queries/audit";
import { deleteTelegramLink, findTelegramLink } from "@/db/queries/telegram";
import type { ChannelSender } from "@/lib/notifications/types";
import { getBot } from "./bot";
import { telegramConfigured } from "./config";

const MAX_TEXT = 4096;

/** A delivery that may work later (network, Telegram's 5xx, a 429 flood wait): the drain retries it. */
export class TelegramSendError extends Error {
  constructor(
    message: string,
    /** Telegram's `retry_after` in seconds on a 429, else undefined. */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "TelegramSendError";
  }
}

/** The chat will never take messages again: the user blocked the bot, or the chat is gone. */
function chatGone(error: GrammyError): boolean {
  return error.error_code === 403 || (error.error_code === 400 && /chat not found|user is deactivated/i.test(error.description));
}

const clip = (text: string) => (text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`);

/** Sends a notification to the user's linked chat through the Bot API's sendMessage. */
export const telegramSender: ChannelSender = {
  channel: "telegram",
  configured: telegramConfigured,
  async send({ userId, message }) {
    if (!telegramConfigured()) return { status: "skipped", reason: "telegram_not_configured" };
    const link = await findTelegramLink({ userId });
    if (!link) return { status: "skipped", reason: "telegram_not_linked" };
    try {
      const sent = await getBot().api.sendMessage(link.chatId, clip(message.text), { link_preview_options: { is_disabled: true } });
      return { status: "sent", id: `${link.chatId}:${sent.message_id}` };
    } catch (error) {
      if (!(error instanceof GrammyError)) {
        throw new TelegramSendError(`Telegram unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (chatGone(error)) {
        if (await deleteTelegramLink({ userId, chatId: link.chatId })) {
          await writeAudit({ action: "settings.telegram_unlinked", userId, detail: { via: "blocked", code: error.error_code }, ip: null, userAgent: "telegram" });
        }
        return { status: "skipped", reason: "telegram_blocked" };
      }
      const retryAfter = error.parameters?.retry_after;
      throw new TelegramSendError(`Telegram refused the message (${error.error_code}): ${error.description}`, retryAfter);
    }
  },
};
