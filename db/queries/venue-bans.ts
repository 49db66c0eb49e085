import "server-only";
import { asc, gt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { venueBans, type VenueBan } from "../schema";

/**
 * Records a venue's ban of an outbound address. A ban that extends one still running keeps its start;
 * an end is never moved earlier.
 */
export async function recordVenueBan(input: { venue: string; egress: string; status: number; until: Date }): Promise<void> {
  const db = await getDb();
  await db
    .insert(venueBans)
    .values({ venue: input.venue, egress: input.egress, status: input.status, since: new Date(), until: input.until })
    .onConflictDoUpdate({
      target: [venueBans.venue, venueBans.egress],
      set: {
        since: sql`case when ${venueBans.until} > now() then ${venueBans.since} else excluded.since end`,
        until: sql`case when ${venueBans.until} > now() then greatest(${venueBans.until}, excluded.until) else excluded.until end`,
        status: sql`excluded.status`,
      },
    });
}

/** Bans still in force, soonest end first (the admin overview). */
export async function listActiveVenueBans(): Promise<VenueBan[]> {
  const db = await getDb();
  return db.select().from(venueBans).where(gt(venueBans.until, sql`now()`)).orderBy(asc(venueBans.until));
}
