import type { NotificationMatrix } from "@/db/schema/notifications";
import type { NotificationChannel, NotificationEventType } from "./types";

export const EVENT_TYPES: NotificationEventType[] = [
  "order.placed",
  "order.filled",
  "order.canceled",
  "order.rejected",
  "order.skipped",
  "exit.take_profit",
  "exit.stop_loss",
  "position.unprotected",
  "strategy.stopped",
  "key.failing",
  "position.mismatch",
  "security.alert",
  "daily.summary",
  "rebalance.run",
];

export const CHANNELS: NotificationChannel[] = ["email", "telegram", "inapp"];

type Row = Record<NotificationChannel, boolean>;
const all: Row = { email: true, telegram: true, inapp: true };

export const DEFAULT_MATRIX: Record<NotificationEventType, Row> = {
  "order.placed": { email: false, telegram: false, inapp: false },
  "order.filled": all,
  "order.canceled": { email: false, telegram: true, inapp: true },
  "order.rejected": all,
  "order.skipped": { email: false, telegram: true, inapp: true },
  "exit.take_profit": all,
  "exit.stop_loss": all,
  "position.unprotected": all,
  "strategy.stopped": all,
  "key.failing": all,
  "position.mismatch": all,
  "security.alert": all,
  "daily.summary": { email: true, telegram: false, inapp: false },
  "rebalance.run": { email: true, telegram: false, inapp: true },
};

/** Security emails are sent by lib/auth itself and cannot be turned off. */
export function isLocked(type: NotificationEventType, channel: NotificationChannel): boolean {
  return type === "security.alert" && channel === "email";
}

export function channelEnabled(matrix: NotificationMatrix | null | undefined, type: NotificationEventType, channel: NotificationChannel): boolean {
  if (isLocked(type, channel)) return true;
  return matrix?.[type]?.[channel] ?? DEFAULT_MATRIX[type][channel];
}

export function effectiveMatrix(matrix: NotificationMatrix | null | undefined): Record<NotificationEventType, Row> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [type, Object.fromEntries(CHANNELS.map((c) => [c, channelEnabled(matrix, type, c)])) as Row]),
  ) as Record<NotificationEventType, Row>;
}

function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function localMinutes(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

/**
 * When quiet hours hold at `now`, the moment they end (deliveries wait until then); otherwise null.
 * A window may span midnight (22:00–07:00). Offsets are taken at `now`, so a DST change inside the
 * window moves its end by the shift at most.
 */
export function quietUntil(
  settings: { quietStart: string | null; quietEnd: string | null; timeZone: string } | null | undefined,
  now: Date,
): Date | null {
  if (!settings?.quietStart || !settings.quietEnd) return null;
  const start = minutesOf(settings.quietStart);
  const end = minutesOf(settings.quietEnd);
  if (start === null || end === null || start === end) return null;
  let local: number;
  try {
    local = localMinutes(now, settings.timeZone);
  } catch {
    local = localMinutes(now, "UTC");
  }
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return null;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const until = new Date(now.getTime() + wait * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}
