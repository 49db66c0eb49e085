export { isDust, quoteOf, sumByQuote, utcDay, valuePosition, type PositionValue } from "./pnl";
export { valuedPositions } from "./positions";
export { lastPrices, PRICE_TIMEOUT_MS, type PriceQuote, type TradableMinimum } from "./prices";
