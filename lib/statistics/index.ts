export { fifoFigures, type FifoFigures, type LedgerFill, type OpenLots } from "./fifo";
