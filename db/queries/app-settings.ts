import { eq, inArray, sql } from "drizzle-orm";
import { getDb, type Database } from "../client";
import { appSettings } from "../schema";

/** A database or a transaction: what the setting helpers need to run inside a caller's transaction. */
export type SettingsExecutor = Pick<Database, "select" | "insert" | "update" | "delete">;

/** Known platform settings an admin changes at runtime. */
export const SETTINGS = {
  require2faAdmins: "require_2fa_admins",
} as const;

/** The stored value of a setting, or `fallback` when it was never set. */
export async function getSetting<T>(key: string, fallback: T, executor?: SettingsExecutor): Promise<T> {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, key)).limit(1);
  return row ? (row.value as T) : fallback;
}

/** Creates or replaces a setting. */
export async function setSetting(key: string, value: unknown, actorId: string | null, executor?: SettingsExecutor) {
  const db = executor ?? (await getDb());
  await db
    .insert(appSettings)
    .values({ key, value, updatedBy: actorId, updatedAt: new Date() })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedBy: actorId, updatedAt: new Date() } });
}

export async function deleteSettings(keys: string[], executor?: SettingsExecutor) {
  if (!keys.length) return;
  const db = executor ?? (await getDb());
  await db.delete(appSettings).where(inArray(appSettings.key, keys));
}

/**
 * Raises a numeric setting to `value` only if it is currently lower (or unset), atomically: two
 * concurrent callers with the same value cannot both succeed. Answers whether this call raised it.
 */
export async function raiseNumericSetting(key: string, value: number, actorId: string | null, executor?: SettingsExecutor) {
  const db = executor ?? (await getDb());
  const rows = await db
    .insert(appSettings)
    .values({ key, value, updatedBy: actorId, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: appSettings.key,
      set: { value: sql`excluded.value`, updatedBy: actorId, updatedAt: new Date() },
      setWhere: sql`case when jsonb_typeof(${appSettings.value}) = 'number' then (${appSettings.value} #>> '{}')::numeric < (excluded.value #>> '{}')::numeric else true end`,
    })
    .returning({ key: appSettings.key });
  return rows.length > 0;
}
