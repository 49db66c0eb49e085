import { index, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The paper market's price path: every price it has taken (live ticker, signal, manual, simulated walk),
 * one row per symbol and 5-second step (the last price of the step wins). `paper_prices` keeps only the
 * latest; candles for paper accounts are built from this.
 */
export const paperPriceTicks = pgTable(
  "paper_price_ticks",
  {
    symbol: text("symbol").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    price: numeric("price").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.at] }), index("paper_price_ticks_at_idx").on(t.at)],
);

export type PaperPriceTickRow = typeof paperPriceTicks.$inferSelect;
