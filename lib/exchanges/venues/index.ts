import type { CcxtExchangeId } from "../ccxt-loader";
import type { MarketType } from "../types";
import { binanceProfile } from "./binance";
import { bitgetProfile } from "./bitget";
import { bybitProfile } from "./bybit";
import { okxProfile } from "./okx";
import type { VenueProfile } from "./types";

export type { VenueProfile } from "./types";

const PROFILES: Record<CcxtExchangeId, (marketType: MarketType) => VenueProfile> = {
  binance: binanceProfile,
  bybit: bybitProfile,
  okx: okxProfile,
  bitget: bitgetProfile,
};

/** The venue's differences from ccxt's unified calls, for the market type a client trades. */
export function venueProfile(exchange: CcxtExchangeId, marketType: MarketType): VenueProfile {
  return PROFILES[exchange](marketType);
}
