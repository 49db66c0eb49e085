export { drainSignals, processEvent, SIGNAL_QUEUE } from "./drain";
export { monitorOrders, checkAccountOrders } from "./monitor";
export { executeForStrategy } from "./execute";
export { gate, sizeOrder, type SignalAction, type SkipReason } from "./plan";
