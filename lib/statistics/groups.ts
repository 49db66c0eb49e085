import "server-only";
import Decimal from "decimal.js";
import { bookPeriodSums, periodBookKey, periodRealizations } from "@/db/queries/statistics";
import { groupOf, type Grouping } from "./breakdown";
import { isUsdQuoted } from "./figures";

export interface LedgerGroupFigures {
  key: string;
  accountId: string | null;
  strategyId: string | null;
  /** The group's market (one of them for a group of several). */
  symbol: string;
  fills: number;
  fees: string;
  realized: string;
  trades: number;
  wins: number;
  grossProfit: string;
  grossLoss: string;
  maxDrawdown: string;
}

/** Exact decimal strings as integers at one scale: running sums over thousands of fills without a float. */
function scaled(values: string[]) {
  let scale = 0;
  for (const v of values) {
    const dot = v.indexOf(".");
    if (dot >= 0) scale = Math.max(scale, v.length - dot - 1);
  }
  const toInt = (v: string) => {
    const negative = v.startsWith("-");
    const [whole = "0", fraction = ""] = (negative ? v.slice(1) : v).split(".");
    const n = BigInt(whole + fraction.padEnd(scale, "0"));
    return negative ? -n : n;
  };
  const toDecimal = (n: bigint) => new Decimal(n.toString()).div(new Decimal(10).pow(scale)).toFixed();
  return { toInt, toDecimal };
}

const GROUPINGS: Grouping[] = ["account", "strategy", "symbol"];

/**
 * The figures of the fills since `since` per account (USD-quoted markets only), strategy (manual orders one
 * group per account) and symbol, and the realized P&L of USD-quoted markets per UTC day. Each book's sums
 * come from the database; the running sums (each group's drawdown: the largest fall of its realized sum,
 * in the order the fills happened, from an earlier peak, starting at 0) are made here, exactly.
 */
export async function periodFigures({ userId, accountId, since }: { userId: string; accountId?: string; since?: Date }) {
  const [books, rows] = await Promise.all([bookPeriodSums({ userId, accountId, since }), periodRealizations({ userId, accountId, since })]);
  const groups = Object.fromEntries(GROUPINGS.map((g) => [g, new Map<string, LedgerGroupFigures>()])) as Record<Grouping, Map<string, LedgerGroupFigures>>;
  // Each book's group key in each grouping (null: left out of it).
  const keysOf = new Map<string, (string | null)[]>();
  const usd = new Map<string, boolean>();
  for (const book of books) {
    const keys = GROUPINGS.map((grouping) => {
      const id = groupOf[grouping](book);
      if (!id) return null;
      const into = groups[grouping];
      const g = into.get(id.key);
      if (!g) {
        into.set(id.key, { key: id.key, accountId: book.accountId, strategyId: book.strategyId, symbol: book.symbol, fills: book.fills, fees: book.fees, realized: book.realized, trades: book.trades, wins: book.wins, grossProfit: book.grossProfit, grossLoss: book.grossLoss, maxDrawdown: "0" });
      } else {
        const add = (a: string, b: string) => new Decimal(a).add(b).toFixed();
        Object.assign(g, {
          fills: g.fills + book.fills,
          fees: add(g.fees, book.fees),
          realized: add(g.realized, book.realized),
          trades: g.trades + book.trades,
          wins: g.wins + book.wins,
          grossProfit: add(g.grossProfit, book.grossProfit),
          grossLoss: add(g.grossLoss, book.grossLoss),
        });
      }
      return id.key;
    });
    keysOf.set(periodBookKey(book), keys);
    usd.set(periodBookKey(book), isUsdQuoted(book.symbol));
  }

  const { toInt, toDecimal } = scaled(rows.map((r) => r.pnl));
  const running = GROUPINGS.map(() => new Map<string, { sum: bigint; peak: bigint; drawdown: bigint }>());
  const days = new Map<number, bigint>();
  for (const row of rows) {
    const value = toInt(row.pnl);
    const keys = keysOf.get(row.book);
    if (!keys) continue;
    keys.forEach((key, i) => {
      if (key === null) return;
      let r = running[i]!.get(key);
      if (!r) {
        r = { sum: 0n, peak: 0n, drawdown: 0n };
        running[i]!.set(key, r);
      }
      r.sum += value;
      if (r.sum > r.peak) r.peak = r.sum;
      else if (r.peak - r.sum > r.drawdown) r.drawdown = r.peak - r.sum;
    });
    if (usd.get(row.book)) days.set(row.day, (days.get(row.day) ?? 0n) + value);
  }
  GROUPINGS.forEach((grouping, i) => {
    for (const [key, r] of running[i]!) {
      const g = groups[grouping].get(key);
      if (g) g.maxDrawdown = toDecimal(r.drawdown);
    }
  });
  const daily = [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, sum]) => ({ day: new Date(day * 86_400_000).toISOString().slice(0, 10), pnl: toDecimal(sum) }));
  return { groups: Object.fromEntries(GROUPINGS.map((g) => [g, [...groups[g].values()]])) as Record<Grouping, LedgerGroupFigures[]>, daily };
}
