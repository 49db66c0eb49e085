import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: smallint("role").notNull().default(1),
    disabled: boolean("disabled").notNull().default(false),
    // Bumped to end every session of the user (disable, password change).
    sessionVersion: integer("session_version").notNull().default(0),
    locale: text("locale"),
    // The big kill switch: false stops every new entry of this user at once. Off, it either pauses entries
    // (exits, take-profits and stop-losses keep working) or stops everything (`trading_keeps_exits` false).
    tradingEnabled: boolean("trading_enabled").notNull().default(true),
    tradingKeepsExits: boolean("trading_keeps_exits").notNull().default(true),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    // Brute-force lockout: consecutive failures and until when the account refuses passwords.
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    // TOTP second factor: the secret is AES-256-GCM encrypted like exchange keys.
    totpSecretEnc: text("totp_secret_enc"),
    totpKeyVersion: smallint("totp_key_version"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_lower_uq").on(sql`lower(${t.email})`),
    index("users_role_idx").on(t.role),
    index("users_created_at_idx").on(t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
