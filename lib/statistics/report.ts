import "server-only";
import Decimal from "decimal.js";
import { equityByBucket, hasFills, latestEquity, listStatisticsNames, openFifoBooks, realizedByQuote } from "@/db/queries/statistics";
import { lastPrices } from "@/lib/overview";
import { breakdown, type BreakdownRow, type PriceOf } from "./breakdown";
import type { OpenLots } from "./fifo";
import { USD_QUOTES, utcDayKey } from "./figures";
import { periodFigures } from "./groups";
import { bookLedgerPnl } from "./ledger-pnl";
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
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const daysBack = (n: number) => new Date(midnight.getTime() - (n - 1) * DAY_MS);
  // The new fills' FIFO P&L into the ledger first: every figure below is a sum of it.
  await bookLedgerPnl({ userId });
  const [anyFill, byQuote, figures, books, names, latest, buckets] = await Promise.all([
    hasFills({ userId, accountId }),
    realizedByQuote({ userId, accountId, since: { today: midnight, d7: daysBack(7), d30: daysBack(30) } }),
    periodFigures({ userId, accountId, since }),
    openFifoBooks({ userId, accountId }),
    listStatisticsNames({ userId }),
    latestEquity({ userId, accountId }),
    equityByBucket({ userId, accountId, since, bucket: period === "7d" ? "hour" : "day" }),
  ]);
  const usdSums = byQuote.filter((q) => USD_QUOTES.has(q.quote!));
  const usdTotal = (key: string) => usdSums.reduce((s, q) => s.add(q[key] ?? 0), new Decimal(0)).toFixed();
  const otherQuotes = byQuote.map((q) => q.quote!).filter((q) => !USD_QUOTES.has(q)).sort();
  const open: OpenLots[] = books.map((b) => ({
    strategyId: b.strategyId,
    accountId: b.accountId,
    symbol: b.symbol,
    amount: b.lots.reduce((sum, l) => sum.add(l.amount), new Decimal(0)).toFixed(),
    cost: b.lots.reduce((sum, l) => sum.add(l.cost), new Decimal(0)).toFixed(),
  }));

  let prices = priceOf;
  if (!prices) {
    const quotes = await lastPrices({ userId, markets: open.map((o) => ({ accountId: o.accountId, symbol: o.symbol })), timeoutMs: PRICE_WAIT_MS });
    prices = (account, symbol) => quotes(account, symbol).price;
  }
  const daily = figures.daily;
  const firstDay = since ?? (daily[0] ? new Date(`${daily[0].day}T00:00:00Z`) : midnight);

  const total = latest.reduce((s, e) => s.add(e.equityUsdt), new Decimal(0));
  return {
    hasFills: anyFill,
    equity: {
      total: latest.length ? total.toFixed() : null,
      asOf: latest.length ? new Date(Math.min(...latest.map((e) => e.slot.getTime()))) : null,
      unpriced: [...new Set(latest.flatMap((e) => e.unpriced))],
    },
    pnl: { today: usdTotal("today"), d7: usdTotal("d7"), d30: usdTotal("d30"), all: usdTotal("all") },
    otherQuotes,
    curve: sumCurve(buckets),
    daily: fillDays(daily, firstDay, now),
    accounts: breakdown(figures.groups.account, open, "account", prices),
    strategies: breakdown(figures.groups.strategy, open, "strategy", prices),
    symbols: breakdown(figures.groups.symbol, open, "symbol", prices),
    names,
  };
}
