export { fifoFigures, type FifoFigures, type LedgerFill, type OpenLots, type Realization } from "./fifo";
export { isUsdQuoted, type TradeFigures } from "./figures";
export { breakdown, type BreakdownRow } from "./breakdown";
export { ordersPeriodFor, parseStatisticsQuery, STAT_PERIODS, statPeriodStart, type StatPeriod } from "./period";
