import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * A venue's ban of one of our outbound addresses (Binance 418, a WAF 403): every call to that venue from
 * that address waits until `until`. Kept for the admin overview; the rate limiter enforces it.
 */
export const venueBans = pgTable(
  "venue_bans",
  {
    venue: text("venue").notNull(),
    egress: text("egress").notNull(),
    since: timestamp("since", { withTimezone: true }).notNull(),
    until: timestamp("until", { withTimezone: true }).notNull(),
    status: integer("status").notNull(),
  },
  (t) => [primaryKey({ columns: [t.venue, t.egress] })],
);

/** Short-lived shared values (tickers, market lists) when no Redis is configured; read only while fresh. */
export const sharedCache = pgTable("shared_cache", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

export type VenueBan = typeof venueBans.$inferSelect;
