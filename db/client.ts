import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbDriver = "postgres" | "pglite";

export interface DbHandle {
  db: Database;
  driver: DbDriver;
  close: () => Promise<void>;
  /**
   * For writes whose loss in a database crash costs nothing (rate-limit and budget counters): on
   * PostgreSQL a small pool whose commits do not wait for the disk (`synchronous_commit = off`, at most
   * a fraction of a second of them lost in a crash, never torn), so a counter every request shares is
   * not held locked for a disk flush per hit. Opened on first use; PGlite answers `db`.
   */
  relaxed?: () => Database;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Opens a database: postgres.js for a URL, PGlite for a directory (or `memory://`). */
export async function openDatabase(opts: { url?: string; pgliteDir?: string; migrate?: boolean }): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const url = opts.url;
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    const db = drizzle(sql, { schema }) as unknown as Database;
    if (opts.migrate) {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    }
    let relaxed: { sql: ReturnType<typeof postgres>; db: Database } | undefined;
    return {
      db,
      driver: "postgres",
      relaxed: () => {
        if (!relaxed) {
          const counters = postgres(url, { max: 4, onnotice: () => {}, connection: { synchronous_commit: "off" } });
          relaxed = { sql: counters, db: drizzle(counters, { schema }) as unknown as Database };
        }
        return relaxed.db;
      },
      close: async () => {
        await Promise.all([sql.end({ timeout: 5 }), relaxed?.sql.end({ timeout: 5 })]);
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dir = opts.pgliteDir ?? ".data/pglite";
  // A folder chosen at run time: unmarked, output tracing copies the whole project into the standalone
  // output and into every Vercel function.
  const client = new PGlite(dir.startsWith("memory://") ? dir : path.resolve(/*turbopackIgnore: true*/ dir));
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Database;
  if (opts.migrate !== false) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return { db, driver: "pglite", close: () => client.close() };
}

// PGlite is one connection in one process, and Next.js may evaluate this module in several bundles:
// the handle lives on globalThis so it is opened once per server.
const globalForDb = globalThis as unknown as { __sbDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  if (!globalForDb.__sbDb) {
    const url = process.env.DATABASE_URL || undefined;
    globalForDb.__sbDb = openDatabase({
      url,
      pgliteDir: process.env.PGLITE_DIR || ".data/pglite",
      // The embedded default migrates itself; a configured PostgreSQL is migrated by `npm run db:migrate`.
      migrate: !url,
    }).catch((error: unknown) => {
      globalForDb.__sbDb = undefined;
      throw error;
    });
  }
  return globalForDb.__sbDb;
}

export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

/** The database for counters that need no durable commit (see DbHandle.relaxed); `getDb()`'s elsewhere. */
export async function getRelaxedDb(): Promise<Database> {
  const handle = await getDbHandle();
  return handle.relaxed ? handle.relaxed() : handle.db;
}

/** Tests install their own database (a fresh PGlite or a fresh PostgreSQL database). */
export function setDbHandleForTests(handle: DbHandle | undefined) {
  globalForDb.__sbDb = handle ? Promise.resolve(handle) : undefined;
}
