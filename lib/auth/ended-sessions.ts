import "server-only";
import { eq, lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endedSessions } from "@/db/schema";
import { publishSessionEnded } from "./revocations";
import { longestSessionSeconds } from "./session-limits";

/**
 * Records a signed-out session as ended, in the database (checked behind the middleware on every
 * request) and in Redis when configured (checked by the middleware itself).
 */
export async function endSession(input: { sessionId: string | undefined; userId: string | undefined }) {
  const { sessionId, userId } = input;
  if (!sessionId || !userId) return;
  const db = await getDb();
  const expiresAt = new Date(Date.now() + longestSessionSeconds() * 1000);
  await db.insert(endedSessions).values({ sessionId, userId, expiresAt }).onConflictDoNothing();
  await publishSessionEnded(sessionId);
  // Rows past any token's lifetime are no longer needed.
  await db.delete(endedSessions).where(lt(endedSessions.expiresAt, new Date()));
}

export async function isSessionEnded(sessionId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ id: endedSessions.sessionId }).from(endedSessions).where(eq(endedSessions.sessionId, sessionId)).limit(1);
  return Boolean(row);
}
