import "server-only";
import { log } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";
import { getNotificationSettings, insertNotificationEvent, type DbTx } from "@/db/queries/notifications";
import { channelEnabled } from "./settings";
import type { NotificationEventInput } from "./types";

/**
 * Writes an event to the outbox inside `tx`, the transaction of the change that caused it; the drain
 * delivers it later, so the caller never waits on a channel. Channels are chosen by the user's settings
 * at this moment. Security emails are sent by lib/auth itself, so the outbox carries only their other
 * channels. Answers the event id, or null when this change was already recorded.
 */
export async function emit(tx: DbTx, event: NotificationEventInput): Promise<string | null> {
  const settings = await getNotificationSettings(tx, event.userId);
  const on = (channel: "email" | "telegram" | "inapp") => channelEnabled(settings?.matrix, event.type, channel);
  const channels = (["email", "telegram"] as const).filter((c) => on(c) && !(c === "email" && event.type === "security.alert"));
  const inapp = on("inapp");
  // Nothing would show it anywhere: not written at all.
  if (!inapp && channels.length === 0) return null;
  return insertNotificationEvent(tx, { ...event, inapp, channels });
}

/**
 * `emit` inside a savepoint: a failure to record the notification is logged and counted, and never
 * undoes (or fails) the change it describes. `event` may be a function that reads what the event
 * needs (names, labels): it runs inside the savepoint too, so a failed read is contained like a failed
 * write; answering null emits nothing.
 */
export async function emitSafely(
  tx: DbTx,
  event: NotificationEventInput | ((savepoint: DbTx) => Promise<NotificationEventInput | null>),
): Promise<void> {
  let type = typeof event === "function" ? "unknown" : event.type;
  try {
    await tx.transaction(async (savepoint) => {
      const input = typeof event === "function" ? await event(savepoint) : event;
      if (!input) return;
      type = input.type;
      await emit(savepoint, input);
    });
  } catch (error) {
    metrics().notificationWriteFailures.inc({ type });
    log({ type }).warn({ err: error }, "notification not recorded");
  }
}
