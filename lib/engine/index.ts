export { drainSignals, processEvent, SIGNAL_QUEUE } from "./drain";
export { syncOrders } from "./sync";
export { executeForStrategy } from "./execute";
export { gate, sizeOrder, type SignalAction, type SkipReason } from "./plan";
