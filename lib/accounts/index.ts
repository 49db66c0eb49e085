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
