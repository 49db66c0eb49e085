import type { ExchangeId } from "./types";

/** What the forms need to know about each venue (safe for client components: no secrets, no ccxt). */
export interface ExchangeInfo {
  id: ExchangeId;
  name: string;
  needsPassphrase: boolean;
  futures: boolean;
}

export const EXCHANGES: readonly ExchangeInfo[] = [
  { id: "binance", name: "Binance", needsPassphrase: false, futures: true },
  { id: "bybit", name: "Bybit", needsPassphrase: false, futures: true },
  { id: "okx", name: "OKX", needsPassphrase: true, futures: true },
  { id: "bitget", name: "Bitget", needsPassphrase: true, futures: true },
  { id: "paper", name: "Paper", needsPassphrase: false, futures: false },
];

export function exchangeInfo(id: string): ExchangeInfo | undefined {
  return EXCHANGES.find((e) => e.id === id);
}
