import "server-only";
import { log } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";
import { claimDeliveries, createGroup, deliveryContext, dueGroups, settleDelivery } from "@/db/queries/notification-deliveries";
import type { NotificationDeliveryRow } from "@/db/schema";
import { appOrigin, env } from "@/lib/env";
import { telegramSender } from "@/lib/telegram/sender";
import { emailSender, PermanentSendError } from "./email-sender";
import { emitDailySummaries } from "./engine-events";
import { renderNotification } from "./render";
import { quietUntil } from "./settings";
import type { ChannelSender } from "./types";

export const notifyTiming = {
  // Longer than a sender's own timeout (email 10 s): a delivery still `sending` after this belongs to a
  // drain that died, and is sent again under the same idempotency key.
  leaseMs: 60_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 6 * 60 * 60_000,
};

export function backoffMs(attempts: number): number {
  return Math.min(notifyTiming.backoffBaseMs * 2 ** Math.max(0, attempts - 1), notifyTiming.backoffMaxMs);
}

export type Senders = Record<"email" | "telegram", ChannelSender>;
const defaultSenders: Senders = { email: emailSender, telegram: telegramSender };

async function deliver(claimed: NotificationDeliveryRow, senders: Senders, now: () => Date, maxAttempts: number) {
  const sender = senders[claimed.channel];
  const { user, events } = await deliveryContext(claimed);
  if (!user || events.length === 0) return settleDelivery(claimed, { status: "skipped", reason: "nothing_to_send", at: now() });
  if (!sender.configured()) return settleDelivery(claimed, { status: "skipped", reason: `${claimed.channel}_not_configured`, at: now() });
  const message = renderNotification({ locale: user.locale, name: user.name, events, link: `${appOrigin()}/dashboard` });
  try {
    const result = await sender.send({ userId: claimed.userId, deliveryKey: claimed.id, message });
    if (result.status === "sent") return settleDelivery(claimed, { status: "sent", providerId: result.id, at: now() });
    return settleDelivery(claimed, { status: "skipped", reason: result.reason, at: now() });
  } catch (error) {
    const permanent = error instanceof PermanentSendError;
    const dead = permanent || claimed.attempts >= maxAttempts;
    const code = permanent ? error.code : ((error as { code?: unknown }).code?.toString() ?? (error as Error).name ?? "error");
    metrics().notificationDeliveryFailures.inc({ channel: claimed.channel, dead: String(dead) });
    log({ channel: claimed.channel, deliveryId: claimed.id, attempt: claimed.attempts, dead }).warn({ err: error }, "notification delivery failed");
    const at = now();
    return settleDelivery(claimed, { status: dead ? "dead" : "failed", error: code.slice(0, 100), nextAttemptAt: new Date(at.getTime() + backoffMs(claimed.attempts)), at });
  }
}

/** Closes every (user, channel) group whose oldest event is at least `windowMs` old into a delivery. */
export async function groupDueEvents({ now, windowMs, deadline = Infinity }: { now: Date; windowMs: number; deadline?: number }) {
  for (const group of await dueGroups({ before: new Date(now.getTime() - windowMs), limit: 200 })) {
    if (Date.now() > deadline) break;
    await createGroup({
      ...group,
      nextAttemptAt: (items, settings) => (items.some((i) => i.type === "security.alert") ? now : (quietUntil(settings, now) ?? now)),
    });
  }
}

/**
 * One pass of the notification drain: closes groups whose oldest event is past the grouping window
 * (quiet hours push a group's first attempt to their end; security alerts are never held), then sends
 * due deliveries under a lease. Runs outside any signal's lease: the engine never waits on it.
 */
export async function drainNotifications(
  opts: { now?: () => Date; budgetMs?: number; senders?: Partial<Senders>; windowMs?: number } = {},
): Promise<{ processed: number }> {
  const now = opts.now ?? (() => new Date());
  const e = env();
  const windowMs = opts.windowMs ?? e.NOTIFY_GROUP_WINDOW_MS;
  const senders = { ...defaultSenders, ...opts.senders };
  const deadline = Date.now() + (opts.budgetMs ?? 20_000);
  let processed = 0;

  await emitDailySummaries(now()).catch((error: unknown) => log().warn({ err: error }, "daily summary not recorded"));
  await groupDueEvents({ now: now(), windowMs, deadline });

  while (Date.now() < deadline) {
    const claimed = await claimDeliveries({ now: now(), leaseMs: notifyTiming.leaseMs, limit: 20 });
    if (claimed.length === 0) break;
    for (const delivery of claimed) {
      await deliver(delivery, senders, now, e.NOTIFY_MAX_ATTEMPTS);
      processed += 1;
    }
  }
  return { processed };
}
