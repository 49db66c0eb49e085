import { ordersPeriodFor, type StatPeriod } from "@/lib/statistics";
import type { StatisticsReport } from "@/lib/statistics/report";
import type { NamedRow } from "@/components/statistics/breakdown-table";

const EXCHANGE_NAMES: Record<string, string> = { binance: "Binance", bybit: "Bybit", okx: "OKX", bitget: "Bitget", paper: "Paper" };

/** Names each breakdown row and links it one level down: account → its strategies → the strategy's orders. */
export function breakdownRows(report: StatisticsReport, { period, account, manual }: { period: StatPeriod; account?: string; manual: string }) {
  const accounts = new Map(report.names.accounts.map((a) => [a.id, a]));
  const strategies = new Map(report.names.strategies.map((s) => [s.id, s]));
  const orders = (params: Record<string, string | null | undefined>) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
    query.set("period", ordersPeriodFor(period));
    return `/dashboard/orders?${query}`;
  };
  const accountLabel = (id: string | null) => (id ? (accounts.get(id)?.label ?? "?") : "");
  return {
    accounts: report.accounts.map((row): NamedRow => {
      const a = accounts.get(row.accountId!);
      return { row, name: a?.label ?? "?", detail: a ? (EXCHANGE_NAMES[a.exchange] ?? a.exchange) : undefined, href: `/dashboard/statistics?period=${period}&account=${row.accountId}` };
    }),
    strategies: report.strategies.map((row): NamedRow => {
      const s = row.strategyId ? strategies.get(row.strategyId) : undefined;
      return {
        row,
        name: row.strategyId ? (s?.name ?? "?") : manual,
        detail: [s?.symbol, accountLabel(row.accountId)].filter(Boolean).join(" · "),
        href: orders({ account: row.accountId, strategy: row.strategyId }),
      };
    }),
    symbols: report.symbols.map((row): NamedRow => ({ row, name: row.symbol!, href: orders({ account, symbol: row.symbol }) })),
  };
}
