import "server-only";
import { log } from "@/lib/logger";
import { insertNotificationEvent, type ChannelRule, type DbTx } from "@/db/queries/notifications";
import { channelEnabled, isLocked } from "./settings";
import type { NotificationEventInput } from "./types";

/** Names the outbox resolves from their tables in the same statement (the payload's `account` and `strategy`). */
export interface EventNames {
  accountId?: string | null;
  strategyId?: string | null;
}

/**
 * Writes an event to the outbox inside `tx`, the transaction of the change that caused it, in one
 * statement; the drain delivers it later, so the caller never waits on a channel. Channels are chosen
 * by the user's settings at this moment (read by that statement; quiet hours are applied by the drain).
 * Security emails are sent by lib/auth itself, so the outbox carries only their other channels. Answers
 * the event id, or null when this change was already recorded or no channel would show it.
 */
export async function emit(tx: DbTx, event: NotificationEventInput, names?: EventNames): Promise<string | null> {
  const rules: ChannelRule[] = (["inapp", "email", "telegram"] as const)
    .filter((c) => !(c === "email" && event.type === "security.alert"))
    .map((channel) => ({ channel, fallback: channelEnabled(null, event.type, channel), locked: isLocked(event.type, channel) }));
  return insertNotificationEvent(tx, { ...event, rules, names });
}

/**
 * `emit` for a change's own transaction, inside a savepoint: whatever goes wrong with the notification
 * (a bug in its statement, a payload the database refuses) is logged and never undoes or fails the
 * change it describes — an order's recorded state matters more than its message.
 */
export async function emitSafely(tx: DbTx, event: NotificationEventInput, names?: EventNames): Promise<void> {
  try {
    await tx.transaction(async (savepoint) => {
      await emit(savepoint, event, names);
    });
  } catch (error) {
    log({ type: event.type }).warn({ err: error }, "notification not recorded");
  }
}
