export { addExchangeAccount, type AddAccountResult } from "./add-account";
export {
  cancelAllForSymbol,
  cancelExchangeOrder,
  placeManualOrder,
  reconcileAccountOrders,
  tradingAccount,
  type PlaceOrderOutcome,
} from "./manual-orders";
export { accountSnapshot, valueBalances, type AccountSnapshot, type ValuedBalance } from "./snapshot";
export { BALANCE_MAX_AGE_MS, balanceSnapshots, cardBalance, recordBalance, summarizeBalances, type BalanceSnapshot, type CardBalance } from "./balance-snapshots";
export {
  testAccountConnection,
  type ConnectionCheck,
  type ConnectionCheckId,
  type ConnectionCheckStatus,
  type ConnectionTestOutcome,
} from "./connection-test";
