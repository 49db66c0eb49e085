import "server-only";
import { log } from "@/lib/logger";
import { createHash, timingSafeEqual } from "node:crypto";
import { BotError, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { z } from "zod";
import { readyBot } from "./bot";
import { telegramConfig } from "./config";

const MAX_BODY_BYTES = 256 * 1024;

const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const from = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  username: z.string().max(64).optional(),
  language_code: z.string().max(35).optional(),
});
const message = z.looseObject({ message_id: z.number().int(), date: z.number().int(), chat, from: from.optional(), text: z.string().max(4096).optional() });

/** The parts of an update the bot reads; other update kinds pass through and are ignored. */
const telegramUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: z
    .looseObject({ id: z.string().min(1), from, data: z.string().max(64).optional(), message: message.optional() })
    .optional(),
});

const error = (status: number, code: string, text: string) => Response.json({ error: { code, message: text } }, { status });

/** Constant-time comparison of the header Telegram sends with the secret given to setWebhook. */
function secretMatches(given: string | null, wanted: string): boolean {
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return given !== null && timingSafeEqual(digest(given), digest(wanted));
}

/**
 * POST /api/telegram/webhook: one Telegram update. Answers 2xx once the update is handled (Telegram
 * retries anything else), so only failures on our side (the database, the Bot API unreachable) are 5xx.
 */
export async function handleTelegramWebhook(request: Request): Promise<Response> {
  const { token, webhookSecret } = telegramConfig();
  if (!token || !webhookSecret) {
    return error(503, "not_configured", "Telegram is not configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET.");
  }
  if (!secretMatches(request.headers.get("x-telegram-bot-api-secret-token"), webhookSecret)) {
    return error(401, "unauthorized", "Missing or wrong X-Telegram-Bot-Api-Secret-Token.");
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return error(413, "bad_request", "The update is too large.");
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return error(413, "bad_request", "The update is too large.");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return error(400, "bad_request", "The body is not JSON.");
  }
  const parsed = telegramUpdateSchema.safeParse(body);
  if (!parsed.success) {
    return error(400, "bad_request", `Not a Telegram update: ${parsed.error.issues.map((i) => `${i.path.join(".") || "update"} ${i.message}`).join("; ")}`);
  }
  try {
    const bot = await readyBot();
    await bot.handleUpdate(parsed.data as unknown as Update);
  } catch (caught) {
    const cause = caught instanceof BotError ? caught.error : caught;
    // The Bot API refused our reply (the user blocked the bot, the message is gone): retrying cannot help.
    if (cause instanceof GrammyError && cause.error_code < 500 && cause.error_code !== 429) {
      log({ errorCode: cause.error_code }).warn({ description: cause.description }, "Telegram refused a reply");
      return Response.json({ ok: true });
    }
    log().error({ err: cause }, "Telegram update failed");
    return error(500, "internal", "The update could not be handled; Telegram will send it again.");
  }
  return Response.json({ ok: true });
}
