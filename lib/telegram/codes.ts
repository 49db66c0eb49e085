import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { insertLinkCode } from "@/db/queries/telegram";
import { LINK_CODE_MINUTES, telegramConfig } from "./config";

/** Codes are stored as their SHA-256: a database reader cannot link a chat of theirs to someone else. */
export function hashLinkCode(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

/**
 * A one-time code for "/start CODE" (24 characters of Telegram's deep-link alphabet), valid
 * LINK_CODE_MINUTES, and the t.me link that opens the bot with it.
 */
export async function createLinkCode(userId: string, now = new Date()) {
  const code = randomBytes(18).toString("base64url");
  const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * 60_000);
  await insertLinkCode({ userId, codeHash: hashLinkCode(code), expiresAt });
  const bot = telegramConfig().username;
  return { code, expiresAt, url: bot ? `https://t.me/${bot}?start=${code}` : null };
}
