// Plain-Node migration entry: what the Docker image's `migrate` service and scripts/check-standalone.sh run
// before the standalone server (no tsx, no TypeScript in the image). Applies db/migrations to DATABASE_URL,
// or, without one, to the PGlite folder (PGLITE_DIR, default .data/pglite). `npm run db:migrate` is the
// same step through the app's own database module.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const migrationsFolder = process.env.MIGRATIONS_DIR || path.join(here, "..", "db", "migrations");

async function migratePostgres(url) {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 30 });
  try {
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function migratePglite(dir) {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = new PGlite(path.resolve(dir));
  try {
    await client.waitReady;
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.close();
  }
}

const url = process.env.DATABASE_URL || undefined;
if (url && !/^postgres(ql)?:\/\//.test(url)) {
  console.error("Migration failed: DATABASE_URL must be a postgres:// or postgresql:// connection URL");
  process.exit(1);
}
const started = Date.now();
try {
  if (url) await migratePostgres(url);
  else await migratePglite(process.env.PGLITE_DIR || ".data/pglite");
  console.log(`Migrations applied to ${url ? "PostgreSQL" : "PGlite"} in ${Date.now() - started} ms`);
} catch (error) {
  // postgres.js errors carry the server's message; the URL (with its password) is never printed.
  console.error("Migration failed:", error instanceof Error ? error.message : String(error));
  process.exit(1);
}
