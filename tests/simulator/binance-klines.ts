import Decimal from "decimal.js";

/** Binance's kline intervals the simulator answers (those the price chart asks for). */
const INTERVAL_MS: Record<string, number> = { "1m": 60_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 };

export type PricePoint = { at: number; price: Decimal };

/**
 * GET /api/v3/klines from the simulator's price path: `limit` intervals ending with the current one, each
 * opening at the price before it and closing at its last price (flat, with no volume, when the price did
 * not move). Rows as Binance sends them: open time, OHLC and volume as 8-decimal strings, close time...
 */
export function klines(path: PricePoint[], q: URLSearchParams, now: number): unknown[][] | { code: number; msg: string } {
  const size = INTERVAL_MS[q.get("interval") ?? ""];
  if (!size) return { code: -1120, msg: "Invalid interval." };
  const limit = Math.max(1, Math.min(1000, Number(q.get("limit") ?? 500) || 500));
  const last = Math.floor(now / size) * size;
  const rows: unknown[][] = [];
  let i = 0;
  let price = path[0]?.price ?? new Decimal(0);
  const first = last - (limit - 1) * size;
  while (i < path.length && path[i]!.at < first) price = path[i++]!.price;
  for (let open = first; open <= last; open += size) {
    let [high, low, moves] = [price, price, 0];
    const o = price;
    while (i < path.length && path[i]!.at < open + size) {
      price = path[i++]!.price;
      high = Decimal.max(high, price);
      low = Decimal.min(low, price);
      moves += 1;
    }
    const f = (d: Decimal) => d.toFixed(8);
    rows.push([open, f(o), f(high), f(low), f(price), new Decimal(moves).toFixed(8), open + size - 1, "0.00000000", moves, "0.00000000", "0.00000000", "0"]);
  }
  return rows;
}
