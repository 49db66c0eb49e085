import "server-only";
import Decimal from "decimal.js";
import { getTradingState } from "@/db/queries/strategies";
import { utcDay, valuedPositions } from "@/lib/overview";
import { realizedPnlByQuote } from "@/lib/statistics/pnl";
import type { BotTranslator } from "./i18n";

const MAX_LINES = 20;

const plain = (value: string, places = 8) => new Decimal(value).toDecimalPlaces(places).toFixed();
const signed = (value: string, places = 2) => {
  const d = new Decimal(value);
  return `${d.gt(0) ? "+" : ""}${d.toFixed(places)}`;
};

/** The /status answer: the trading switch, open positions valued now, and today's realised P&L. */
export async function statusText(userId: string, t: BotTranslator, now = new Date()): Promise<string> {
  const [state, valued, today] = await Promise.all([
    getTradingState(userId),
    valuedPositions({ userId }),
    realizedPnlByQuote({ userId, ...utcDay(now) }),
  ]);
  const lines = [`${t("statusTitle")}`, state.enabled ? t("tradingOn") : state.keepsExits ? t("tradingPaused") : t("tradingStopped"), ""];
  if (valued.positions.length === 0) lines.push(t("noPositions"));
  else {
    lines.push(t("positionsTitle", { count: valued.positions.length }));
    for (const p of valued.positions.slice(0, MAX_LINES)) {
      const base = { strategy: p.strategyName, symbol: p.symbol, amount: plain(p.amount), entry: plain(p.averageEntry) };
      if (p.unrealized === null) lines.push(t("positionNoPrice", base));
      else {
        const pct = p.unrealizedPct === null ? "" : ` (${signed(p.unrealizedPct)}%)`;
        lines.push(t("position", { ...base, pnl: `${signed(p.unrealized)} ${p.currency}${pct}` }));
      }
    }
    if (valued.positions.length > MAX_LINES) lines.push("…");
    if (valued.totals.length) lines.push(t("unrealizedTotal", { amounts: valued.totals.map((s) => `${signed(s.amount)} ${s.quote}`).join(", ") }));
  }
  lines.push(today.length ? t("todayPnl", { amounts: today.map((s) => `${signed(s.amount)} ${s.quote}`).join(", ") }) : t("todayFlat"));
  return lines.join("\n");
}
