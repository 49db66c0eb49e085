import Decimal from "decimal.js";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { paperPriceTicks } from "@/db/schema";
import { SIMULATED_STEP_MS } from "./paper-feed";
import type { Candle, CandleTimeframe } from "./types";

export const TIMEFRAME_MS: Record<CandleTimeframe, number> = {
  "1m": 60_000,
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "4h": 4 * 60 * 60_000,
  "1d": 24 * 60 * 60_000,
};

// The path is kept this long: the longest chart (1000 daily candles) is not drawn from paper prices.
const KEEP_TICKS_MS = 400 * 24 * 60 * 60_000;

/** Adds a price to the paper market's path (one row per symbol and 5-second step; the step's last price wins). */
export async function recordPaperTick(db: Database, symbol: string, price: string, at = Date.now()): Promise<void> {
  const step = new Date(Math.floor(at / SIMULATED_STEP_MS) * SIMULATED_STEP_MS);
  await db
    .insert(paperPriceTicks)
    .values({ symbol, at: step, price })
    .onConflictDoUpdate({ target: [paperPriceTicks.symbol, paperPriceTicks.at], set: { price } });
}

/** Several steps of the path at once (the simulated walk's steps between two looks at the price). */
export async function recordPaperTicks(db: Database, symbol: string, points: { at: number; price: string }[]): Promise<void> {
  if (points.length === 0) return;
  const rows = points.map((p) => ({ symbol, at: new Date(Math.floor(p.at / SIMULATED_STEP_MS) * SIMULATED_STEP_MS), price: p.price }));
  await db
    .insert(paperPriceTicks)
    .values(rows)
    .onConflictDoUpdate({ target: [paperPriceTicks.symbol, paperPriceTicks.at], set: { price: sql`excluded.price` } });
  // The oldest steps go as new ones come (one index range on the primary key).
  await db.delete(paperPriceTicks).where(and(eq(paperPriceTicks.symbol, symbol), lt(paperPriceTicks.at, new Date(Date.now() - KEEP_TICKS_MS))));
}

/** `db.execute()` yields `{ rows }` on PGlite and an array on postgres.js. */
async function executeRows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Candles of the paper market's own price path: the ticks of each interval give its open (first),
 * high, low and close (last). Intervals with no price are left out rather than invented; volume is 0
 * because the paper market has no order book.
 */
export async function paperCandles(db: Database, symbol: string, timeframe: CandleTimeframe, limit: number, now = Date.now()): Promise<Candle[]> {
  const size = TIMEFRAME_MS[timeframe];
  const from = new Date((Math.floor(now / size) - limit + 1) * size);
  const to = new Date((Math.floor(now / size) + 1) * size);
  const seconds = size / 1000;
  const rows = await executeRows<{ bucket: unknown; open: unknown; high: unknown; low: unknown; close: unknown }>(
    db,
    sql`select (floor(extract(epoch from ${paperPriceTicks.at}) / ${seconds}) * ${seconds})::bigint as bucket,
               (array_agg(${paperPriceTicks.price} order by ${paperPriceTicks.at}))[1] as open,
               max(${paperPriceTicks.price}) as high,
               min(${paperPriceTicks.price}) as low,
               (array_agg(${paperPriceTicks.price} order by ${paperPriceTicks.at} desc))[1] as close
        from ${paperPriceTicks}
        where ${paperPriceTicks.symbol} = ${symbol} and ${paperPriceTicks.at} >= ${from.toISOString()} and ${paperPriceTicks.at} < ${to.toISOString()}
        group by 1 order by 1`,
  );
  const str = (v: unknown) => new Decimal(String(v)).toFixed();
  return rows.map((r) => ({ time: Number(r.bucket) * 1000, open: str(r.open), high: str(r.high), low: str(r.low), close: str(r.close), volume: "0" }));
}
