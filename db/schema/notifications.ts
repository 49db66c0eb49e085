import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export type NotificationDeliveryStatus = "pending" | "sending" | "sent" | "failed" | "dead" | "skipped";
export type NotificationPayload = Record<string, string | number | boolean | null>;
/** event type -> channel -> enabled; a missing cell falls back to the defaults in lib/notifications. */
export type NotificationMatrix = Record<string, Partial<Record<"email" | "telegram" | "inapp", boolean>>>;

/**
 * The outbox: one row per thing that happened, written in the transaction of the change that caused
 * it. `dedupeKey` makes a change emit once however often it is recorded. `inapp` rows are what the bell
 * lists; `readAt` is the in-app read marker.
 */
export const notificationEvents = pgTable(
  "notification_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<NotificationPayload>().notNull().default({}),
    dedupeKey: text("dedupe_key").notNull(),
    inapp: boolean("inapp").notNull().default(true),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notification_events_dedupe_uq").on(t.dedupeKey),
    index("notification_events_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * One event waiting for one external channel. The drain gathers a user's ungrouped items of a channel
 * into one delivery (a group) once the oldest is past the grouping window.
 */
export const notificationItems = pgTable(
  "notification_items",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => notificationEvents.id, { onDelete: "cascade" }),
    channel: text("channel").$type<"email" | "telegram">().notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deliveryId: uuid("delivery_id").references(() => notificationDeliveries.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.channel] }),
    index("notification_items_ungrouped_idx").on(t.channel, t.userId, t.createdAt).where(sql`${t.deliveryId} is null`),
    index("notification_items_delivery_idx").on(t.deliveryId),
  ],
);

/**
 * One message on one channel. (groupKey, channel) is unique, so a group is delivered once; the row's
 * id is the idempotency key handed to the provider, stable across retries and reclaims.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel").$type<"email" | "telegram">().notNull(),
    groupKey: text("group_key").notNull(),
    status: text("status").$type<NotificationDeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    providerId: text("provider_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notification_deliveries_group_uq").on(t.groupKey, t.channel),
    index("notification_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** A user's choices: the event × channel matrix and quiet hours ("HH:MM" in `timeZone`). */
export const notificationSettings = pgTable("notification_settings", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  matrix: jsonb("matrix").$type<NotificationMatrix>().notNull().default({}),
  quietStart: text("quiet_start"),
  quietEnd: text("quiet_end"),
  timeZone: text("time_zone").notNull().default("UTC"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type NotificationEventRow = typeof notificationEvents.$inferSelect;
export type NotificationDeliveryRow = typeof notificationDeliveries.$inferSelect;
export type NotificationSettingsRow = typeof notificationSettings.$inferSelect;
