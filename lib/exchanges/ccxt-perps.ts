import type { Exchange } from "ccxt";
import { dec } from "./ccxt-convert";
import type { ExchangeClient, FundingLine, PositionLine } from "./types";

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/** "Already in that mode" (Binance -4046 "No need to change margin type", OKX 59000-range) is success. */
function alreadySet(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /no need to change|-4046|already/i.test(text);
}

/**
 * The USDT-perpetual calls of a swap client, through ccxt's unified methods and the adapter's error mapping.
 * `orderParams` is what each order of a symbol carries: OKX wants the margin mode (`tdMode`) on every
 * order, as last set with the leverage.
 */
export function perpMethods(
  ex: Exchange,
  call: Call,
  ensureMarkets: () => Promise<void>,
): Pick<ExchangeClient, "positions" | "setLeverage" | "setMarginMode" | "fundingHistory"> & { orderParams(symbol: string): Record<string, string> } {
  const modes = new Map<string, "isolated" | "cross">();
  return {
    orderParams(symbol: string): Record<string, string> {
      const mode = ex.id === "okx" ? modes.get(symbol) : undefined;
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
      await call(() => ex.setLeverage(leverage, symbol, ex.id === "okx" ? { marginMode } : {}));
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
    async fundingHistory({ symbol, since }): Promise<FundingLine[]> {
      await ensureMarkets();
      const list = await call(() => ex.fetchFundingHistory(symbol, since));
      return list
        .filter((f) => f.id !== undefined && f.amount !== undefined)
        .map((f) => ({ id: String(f.id), symbol: f.symbol ?? symbol ?? "", amount: dec(f.amount) ?? "0", currency: f.code ?? "USDT", timestamp: f.timestamp ?? 0 }))
        .sort((a, b) => a.timestamp - b.timestamp);
    },
  };
}
