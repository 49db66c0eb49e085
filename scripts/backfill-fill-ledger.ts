/**
 * `npm run ledger:backfill`: writes fill-ledger rows for what orders booked before the ledger existed
 * (once per order and cumulative fill: safe to run again, or on two machines at once).
 */
import { openDatabase } from "../db/client";
import { ensureLocalSecrets } from "../lib/env/local-secrets.mjs";
import { parseEnv } from "../lib/env";
import { backfillFillLedger } from "../lib/statistics/backfill";

ensureLocalSecrets();
const e = parseEnv(process.env);
const handle = await openDatabase({ url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, migrate: !e.DATABASE_URL });
try {
  const { inserted } = await backfillFillLedger(handle.db);
  console.log(`Backfilled ${inserted} fill(s) into the ledger.`);
} finally {
  await handle.close();
}
