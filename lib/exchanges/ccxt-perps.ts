import type { Exchange } from "ccxt";
import Decimal from "decimal.js";
import { dec } from "./ccxt-convert";
import type { ExchangeClient, FundingLine, PositionLine } from "./types";

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * "Already in that mode / at that leverage" is success: Binance -4046 "No need to change margin type",
 * Bybit 110043 "Set leverage not modified" and 110026 "Cross/isolated margin mode is not modified".
 */
function alreadySet(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /no need to change|-4046|already|not modified|110043|110026/i.test(text);
}

/**
 * A funding line's amount as received (positive) or paid (negative). Bybit lists funding as executions
 * whose `execFee` is positive when paid, and ccxt passes it on unchanged as the amount.
 */
function fundingAmount(exchange: string, amount: number | undefined): string {
  const value = dec(amount) ?? "0";
  return exchange === "bybit" ? new Decimal(value).neg().toFixed() : value;
}

/**
 * The USDT-perpetual calls of a swap client, through ccxt's unified methods and the adapter's error mapping.
 * `orderParams` is what each order of a symbol carries: OKX (`tdMode`) and Bitget (`marginMode`, which
 * ccxt otherwise sends as crossed) want the margin mode on every order, as last set with the leverage.
 * On a Bybit unified account ccxt's `setMarginMode` is the account's (`/v5/account/set-margin-mode`),
 * for every symbol at once.
 */
export function perpMethods(
  ex: Exchange,
  call: Call,
  ensureMarkets: () => Promise<void>,
): Pick<ExchangeClient, "positions" | "setLeverage" | "setMarginMode" | "fundingHistory"> & { orderParams(symbol: string): Record<string, string> } {
  const modes = new Map<string, "isolated" | "cross">();
  return {
    orderParams(symbol: string): Record<string, string> {
      const mode = ex.id === "okx" || ex.id === "bitget" ? modes.get(symbol) : undefined;
      return mode ? { marginMode: mode } : {};
    },
    async positions(symbols?: string[]): Promise<PositionLine[]> {
      await ensureMarkets();
      const list = await call(() => ex.fetchPositions(symbols));
      return list
        .filter((p) => p.symbol && p.contracts && p.contracts > 0 && (p.side === "long" || p.side === "short"))
        .map((p) => ({
          symbol: p.symbol!,
          side: p.side as "long" | "short",
          contracts: dec(p.contracts) ?? "0",
          contractSize: dec(p.contractSize ?? ex.markets?.[p.symbol!]?.contractSize) ?? "1",
          entryPrice: dec(p.entryPrice),
          unrealizedPnl: dec(p.unrealizedPnl),
          leverage: dec(p.leverage),
          marginMode: p.marginMode === "isolated" || p.marginMode === "cross" ? p.marginMode : null,
        }));
    },
    async setLeverage(symbol: string, leverage: number, marginMode: "isolated" | "cross") {
      await ensureMarkets();
      try {
        await call(() => ex.setLeverage(leverage, symbol, ex.id === "okx" ? { marginMode } : {}));
      } catch (error) {
        if (!alreadySet(error)) throw error;
      }
      modes.set(symbol, marginMode);
    },
    async setMarginMode(symbol: string, mode: "isolated" | "cross") {
      // OKX has no margin mode of its own per symbol: it is set with the leverage (and sent with each order).
      if (ex.id === "okx") return;
      await ensureMarkets();
      try {
        await call(() => ex.setMarginMode(mode, symbol));
      } catch (error) {
        if (!alreadySet(error)) throw error;
      }
    },
    async fundingHistory({ symbol, symbols, since }): Promise<FundingLine[]> {
      await ensureMarkets();
      // Bitget's contract bill is read per symbol (ccxt requires one); the others answer every symbol at once.
      const perSymbol = ex.id === "bitget" && !symbol;
      const reads = perSymbol ? [...new Set(symbols ?? [])] : [symbol];
      const list = (await Promise.all(reads.map((s) => call(() => ex.fetchFundingHistory(s, since))))).flat();
      return list
        .filter((f) => f.id !== undefined && f.amount !== undefined)
        .map((f) => ({ id: String(f.id), symbol: f.symbol ?? symbol ?? "", amount: fundingAmount(ex.id, f.amount), currency: f.code ?? "USDT", timestamp: f.timestamp ?? 0 }))
        .sort((a, b) => a.timestamp - b.timestamp);
    },
  };
}
