import "server-only";
import Decimal from "decimal.js";
import { equityByBucket, latestEquity, listLedger, listStatisticsNames } from "@/db/queries/statistics";
import { lastPrices } from "@/lib/overview";
import { breakdown, byAccount, byStrategy, bySymbol, type BreakdownRow, type PriceOf } from "./breakdown";
import { fifoFigures } from "./fifo";
import { dailyPnl, isUsdQuoted, quoteOf, realizedBetween, utcDayKey } from "./figures";
import { statPeriodStart, type StatPeriod } from "./period";

const DAY_MS = 86_400_000;
/** The page does not wait longer than this on an exchange for the prices of open lots. */
const PRICE_WAIT_MS = 2_500;

export interface StatisticsReport {
  hasFills: boolean;
  equity: { total: string | null; asOf: Date | null; unpriced: string[] };
  /** Realized P&L of USD-quoted markets, in USDT. */
  pnl: { today: string; d7: string; d30: string; all: string };
  /** Quote assets of markets left out of the USDT sums. */
  otherQuotes: string[];
  curve: { at: string; equity: string }[];
  daily: { day: string; pnl: string }[];
  accounts: BreakdownRow[];
  strategies: BreakdownRow[];
  symbols: BreakdownRow[];
  names: Awaited<ReturnType<typeof listStatisticsNames>>;
}

/** Each account's last value carried forward, summed per bucket: an account missing a bucket is not a dip. */
function sumCurve(rows: { accountId: string; bucket: string; equityUsdt: string }[]) {
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort();
  const byBucket = new Map<string, { accountId: string; equityUsdt: string }[]>();
  for (const r of rows) byBucket.set(r.bucket, [...(byBucket.get(r.bucket) ?? []), r]);
  const last = new Map<string, Decimal>();
  return buckets.map((at) => {
    for (const r of byBucket.get(at) ?? []) last.set(r.accountId, new Decimal(r.equityUsdt));
    return { at, equity: [...last.values()].reduce((s, v) => s.add(v), new Decimal(0)).toFixed() };
  });
}

/** Every day from `from` to `to`, with zero for a day without a closing fill (bars need the gaps). */
function fillDays(series: { day: string; pnl: string }[], from: Date, to: Date) {
  const known = new Map(series.map((d) => [d.day, d.pnl]));
  const days: { day: string; pnl: string }[] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += DAY_MS) {
    const day = utcDayKey(new Date(t));
    days.push({ day, pnl: known.get(day) ?? "0" });
  }
  return days;
}

/**
 * The Statistics page's figures, general to particular, all from the fill ledger (FIFO lots) and the equity
 * snapshots, for one user (and one of their accounts). `priceOf` is for tests; the page reads the open
 * lots' prices from the exchanges through the shared client, without waiting long.
 */
export async function statisticsReport({
  userId,
  accountId,
  period,
  now = new Date(),
  priceOf,
}: {
  userId: string;
  accountId?: string;
  period: StatPeriod;
  now?: Date;
  priceOf?: PriceOf;
}): Promise<StatisticsReport> {
  const since = statPeriodStart(period, now);
  const [ledger, names, latest, buckets] = await Promise.all([
    listLedger({ userId, accountId }),
    listStatisticsNames({ userId }),
    latestEquity({ userId, accountId }),
    equityByBucket({ userId, accountId, since, bucket: period === "7d" ? "hour" : "day" }),
  ]);
  // The page shows fees counted in quote only: the base-asset fee is all the lots need of `fees`.
  const rows = ledger.map((f) => {
    const base = f.symbol.split("/")[0]!;
    return { ...f, fees: f.baseFee ? { [base]: f.baseFee } : {}, feePrices: {} };
  });
  const fifo = fifoFigures(rows);
  const usd = fifo.realizations.filter((r) => isUsdQuoted(r.symbol));
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const daysBack = (n: number) => new Date(midnight.getTime() - (n - 1) * DAY_MS);

  let prices = priceOf;
  if (!prices) {
    const quotes = await lastPrices({ userId, markets: fifo.open.map((o) => ({ accountId: o.accountId, symbol: o.symbol })), timeoutMs: PRICE_WAIT_MS });
    prices = (account, symbol) => {
      const q = quotes(account, symbol);
      return q.price;
    };
  }
  const inPeriod = {
    realizations: since ? fifo.realizations.filter((r) => r.at >= since) : fifo.realizations,
    fills: (since ? rows.filter((f) => f.at >= since) : rows).map((f) => ({ accountId: f.accountId, strategyId: f.strategyId, symbol: f.symbol, fee: new Decimal(f.feeQuote) })),
    open: fifo.open,
  };
  const usdInPeriod = inPeriod.realizations.filter((r) => isUsdQuoted(r.symbol));
  const daily = dailyPnl(usdInPeriod);
  const firstDay = since ?? (daily[0] ? new Date(`${daily[0].day}T00:00:00Z`) : midnight);

  const total = latest.reduce((s, e) => s.add(e.equityUsdt), new Decimal(0));
  return {
    hasFills: ledger.length > 0,
    equity: {
      total: latest.length ? total.toFixed() : null,
      asOf: latest.length ? new Date(Math.min(...latest.map((e) => e.slot.getTime()))) : null,
      unpriced: [...new Set(latest.flatMap((e) => e.unpriced))],
    },
    pnl: {
      today: realizedBetween(usd, midnight),
      d7: realizedBetween(usd, daysBack(7)),
      d30: realizedBetween(usd, daysBack(30)),
      all: realizedBetween(usd),
    },
    otherQuotes: [...new Set(fifo.realizations.filter((r) => !isUsdQuoted(r.symbol)).map((r) => quoteOf(r.symbol)))].sort(),
    curve: sumCurve(buckets),
    daily: fillDays(daily, firstDay, now),
    accounts: breakdown(inPeriod, byAccount, prices),
    strategies: breakdown(inPeriod, byStrategy, prices),
    symbols: breakdown(inPeriod, bySymbol, prices),
    names,
  };
}
