/**
 * `npm run ledger:backfill`: writes fill-ledger rows for what orders booked before the ledger existed
 * (once per order and cumulative fill: safe to run again, or on two machines at once), then works out
 * the FIFO realized P&L of every fill that has none yet (migration 0028; also done by the sync cron and
 * on a page's first read, so this only saves that first read the wait).
 */
import { openDatabase, setDbHandleForTests } from "../db/client";
import { ensureLocalSecrets } from "../lib/env/local-secrets.mjs";
import { parseEnv } from "../lib/env";
import { backfillFillLedger } from "../lib/statistics/backfill";
import { bookAllLedgerPnl } from "../lib/statistics/ledger-pnl";

ensureLocalSecrets();
const e = parseEnv(process.env);
const handle = await openDatabase({ url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, migrate: !e.DATABASE_URL });
// The query functions read the process's one database handle: this one.
setDbHandleForTests(handle);
try {
  const { inserted } = await backfillFillLedger(handle.db);
  console.log(`Backfilled ${inserted} fill(s) into the ledger.`);
  let worked = 0;
  for (let pass = await bookAllLedgerPnl(); pass > 0; pass = await bookAllLedgerPnl()) worked += pass;
  console.log(`Worked out the FIFO P&L of ${worked} fill(s).`);
} finally {
  setDbHandleForTests(undefined);
  await handle.close();
}
