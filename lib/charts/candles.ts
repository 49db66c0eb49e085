import "server-only";
import { chartMarkers, type ChartLevel, type ChartMarker } from "@/db/queries/chart-markers";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { getUserStrategy } from "@/db/queries/strategies";
import { AppError } from "@/lib/errors";
import { clientForAccount } from "@/lib/exchanges";
import { cachedCandles } from "@/lib/exchanges/candle-cache";
import { TIMEFRAME_MS } from "@/lib/exchanges/paper-candles";
import { ExchangeError, type Candle } from "@/lib/exchanges/types";
import type { CandlesQuery } from "@/lib/validations/charts";
import { log } from "@/lib/logger";

export interface ChartData {
  symbol: string;
  timeframe: CandlesQuery["timeframe"];
  candles: Candle[];
  markers: ChartMarker[];
  levels: ChartLevel[];
  /** Set when the exchange did not answer: the chart then shows nothing rather than old candles. */
  unavailable: { code: string; message: string } | null;
}

/** Candles and markers for one of the user's strategies or accounts; someone else's is "not found". */
export async function loadChart(userId: string, query: CandlesQuery): Promise<ChartData> {
  let accountId = query.account;
  let symbol = query.symbol;
  if (query.strategy) {
    const strategy = await getUserStrategy(userId, query.strategy);
    if (!strategy) throw new AppError("not_found", "No such strategy among yours.");
    accountId = strategy.accountId;
    symbol = strategy.symbol;
  }
  const account = accountId ? await getAccountForTrading(userId, accountId) : undefined;
  if (!account || !symbol) throw new AppError("not_found", "No such exchange account among yours.");

  const { timeframe, limit } = query;
  const since = new Date(Date.now() - limit * TIMEFRAME_MS[timeframe]);
  const marks = chartMarkers({ userId, symbol, since, ...(query.strategy ? { strategyId: query.strategy } : { accountId: account.id }) });
  const marketType = symbol.includes(":") ? "swap" : account.exchange === "paper" ? undefined : account.spot ? "spot" : "swap";
  const venue = account.exchange === "paper" ? "paper" : `${account.exchange}:${marketType}:${account.sandbox ? "sandbox" : "live"}`;
  let candles: Candle[] = [];
  let unavailable: ChartData["unavailable"] = null;
  try {
    candles = await cachedCandles({ venue, symbol, timeframe, limit }, async () => (await clientForAccount(account, marketType)).ohlcv(symbol, timeframe, limit));
  } catch (error) {
    if (!(error instanceof ExchangeError)) log().error({ err: error }, "candles failed");
    unavailable = error instanceof ExchangeError ? { code: error.code, message: error.message } : { code: "unknown", message: "The exchange did not answer." };
  }
  const { markers, levels } = await marks;
  return { symbol, timeframe, candles, markers, levels, unavailable };
}
