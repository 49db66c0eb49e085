import "server-only";
import { changeVersion } from "@/db/queries/live";
import { auth } from "@/lib/auth/auth";
import { PERMISSIONS } from "@/lib/auth/roles";

/**
 * The change version as the page renders: read before the page's data, so a change made while the page
 * loads is newer than it and the first poll refreshes.
 */
export async function liveVersion(): Promise<string | null> {
  const session = await auth();
  if (!session?.user?.id || !session.deviceId || !session.sessionId) return null;
  return changeVersion({
    userId: session.user.id,
    sessionVersion: session.sessionVersion ?? 0,
    deviceId: session.deviceId,
    sessionId: session.sessionId,
    minRole: PERMISSIONS["dashboard.view"],
  }).catch(() => null);
}
