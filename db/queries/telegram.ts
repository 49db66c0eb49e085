import "server-only";
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { getDb } from "../client";
import { telegramLinkCodes, telegramLinks, users } from "../schema";

/** A new one-time code for the user; the codes they asked for before stop working. */
export async function insertLinkCode({ userId, codeHash, expiresAt }: { userId: string; codeHash: string; expiresAt: Date }) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx
      .update(telegramLinkCodes)
      .set({ usedAt: new Date() })
      .where(and(eq(telegramLinkCodes.userId, userId), isNull(telegramLinkCodes.usedAt)));
    await tx.insert(telegramLinkCodes).values({ userId, codeHash, expiresAt });
  });
}

export type LinkWithCodeResult =
  | { status: "linked"; userId: string; /** The user the chat was linked to before, when it moved. */ movedFrom: string | null }
  | { status: "expired" }
  | { status: "invalid" };

/**
 * Spends a code and links the chat to its user in one transaction. A chat already linked to someone
 * else moves to the code's user (whoever holds the chat and a fresh code of the account decides).
 */
export async function linkChatWithCode({
  codeHash,
  chatId,
  username,
  now = new Date(),
}: {
  codeHash: string;
  chatId: string;
  username: string | null;
  now?: Date;
}): Promise<LinkWithCodeResult> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(telegramLinkCodes)
      .set({ usedAt: now })
      .where(and(eq(telegramLinkCodes.codeHash, codeHash), isNull(telegramLinkCodes.usedAt), gt(telegramLinkCodes.expiresAt, now)))
      .returning({ userId: telegramLinkCodes.userId });
    if (!spent) {
      const [row] = await tx
        .select({ usedAt: telegramLinkCodes.usedAt, expiresAt: telegramLinkCodes.expiresAt })
        .from(telegramLinkCodes)
        .where(eq(telegramLinkCodes.codeHash, codeHash));
      return row && !row.usedAt && row.expiresAt <= now ? { status: "expired" } : { status: "invalid" };
    }
    const [moved] = await tx
      .delete(telegramLinks)
      .where(and(eq(telegramLinks.chatId, chatId), ne(telegramLinks.userId, spent.userId)))
      .returning({ userId: telegramLinks.userId });
    await tx
      .insert(telegramLinks)
      .values({ userId: spent.userId, chatId, username, linkedAt: now })
      .onConflictDoUpdate({ target: telegramLinks.userId, set: { chatId, username, linkedAt: now } });
    return { status: "linked", userId: spent.userId, movedFrom: moved?.userId ?? null };
  });
}

/** The signed-in user's link (what the settings page shows). */
export async function findTelegramLink({ userId }: { userId: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ chatId: telegramLinks.chatId, username: telegramLinks.username, linkedAt: telegramLinks.linkedAt })
    .from(telegramLinks)
    .where(eq(telegramLinks.userId, userId));
  return row;
}

/** Who a chat belongs to, with what the bot needs to answer them (language, role, whether enabled). */
export async function findUserByChat({ chatId }: { chatId: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ userId: users.id, locale: users.locale, role: users.role, disabled: users.disabled })
    .from(telegramLinks)
    .innerJoin(users, eq(users.id, telegramLinks.userId))
    .where(eq(telegramLinks.chatId, chatId));
  return row;
}

/** Removes the user's link; with `chatId`, only while the user is still linked to that chat. */
export async function deleteTelegramLink({ userId, chatId }: { userId: string; chatId?: string }) {
  const db = await getDb();
  const removed = await db
    .delete(telegramLinks)
    .where(and(eq(telegramLinks.userId, userId), chatId ? eq(telegramLinks.chatId, chatId) : undefined))
    .returning({ chatId: telegramLinks.chatId });
  return removed.length > 0;
}
