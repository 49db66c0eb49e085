/** `npm run db:migrate`: applies the migrations to DATABASE_URL (or the PGlite folder). */
import { ensureLocalSecrets } from "../lib/env/local-secrets.mjs";
import { openDatabase } from "../db/client";

async function main() {
  ensureLocalSecrets();
  const url = process.env.DATABASE_URL || undefined;
  const started = Date.now();
  const handle = await openDatabase({ url, pgliteDir: process.env.PGLITE_DIR || ".data/pglite", migrate: true });
  await handle.close();
  console.log(`Migrations applied to ${url ? "PostgreSQL" : "PGlite"} in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  console.error("Migration failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
