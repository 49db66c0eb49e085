import "server-only";
import Decimal from "decimal.js";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { findOrderByExchangeId, insertOrderIntent } from "@/db/queries/orders";
import type { ExchangeAccount } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { checkAccountOrders } from "@/lib/engine/monitor";
import { cancelRow, sendRow } from "@/lib/engine/lifecycle";
import {
  checkOrder,
  clientForAccount,
  ExchangeError,
  floorToStep,
  manualClientOrderId,
  type ExchangeClient,
  type ExchangeOrder,
  type OrderRefusal,
} from "@/lib/exchanges";
import type { PlaceOrderInput } from "@/lib/validations/accounts";

export async function tradingAccount(userId: string, accountId: string): Promise<{ account: ExchangeAccount; client: ExchangeClient }> {
  const account = await getAccountForTrading(userId, accountId);
  if (!account) throw new AppError("not_found", "Account not found");
  if (!account.active) throw new AppError("forbidden", "Account is switched off");
  return { account, client: await clientForAccount(account) };
}

export type PlaceOrderOutcome =
  | { kind: "placed"; order: ExchangeOrder }
  | { kind: "refused"; refusal: OrderRefusal }
  | { kind: "switched_off" }
  | { kind: "unknown" };

// A manual order not placed at once (rate limited, answer lost) is sent again under its client order id
// by the order monitor for this long; after that it is not placed at all.
const MANUAL_SEND_WINDOW_MS = 60_000;

/**
 * A manual order: checked against the market's rules, written to our orders table, then sent through the
 * one order lifecycle (lost answers looked up, never sent blindly again; the user's switch obeyed).
 */
export async function placeManualOrder(userId: string, input: PlaceOrderInput): Promise<PlaceOrderOutcome> {
  const { account, client } = await tradingAccount(userId, input.accountId);
  const market = await client.market(input.symbol);
  const needsReference = input.type === "market" || input.amountIn === "quote";
  const reference = needsReference && !(input.type === "limit" && input.price) ? (await client.ticker(input.symbol)).last : undefined;
  const unitPrice = input.type === "limit" ? input.price! : reference!;
  const amount = input.amountIn === "quote" ? floorToStep(new Decimal(input.amount).div(unitPrice), market.amountStep) : input.amount;

  const check = checkOrder(market, { side: input.side, type: input.type, amount, price: input.price, referencePrice: reference });
  if (!check.ok) {
    const { ok: _ok, ...refusal } = check;
    return { kind: "refused", refusal };
  }

  const row = await insertOrderIntent({
    userId,
    accountId: account.id,
    source: "manual",
    clientOrderId: manualClientOrderId(),
    symbol: market.symbol,
    side: input.side,
    type: input.type,
    amount: check.amount,
    price: check.price ?? null,
    sendBy: new Date(Date.now() + MANUAL_SEND_WINDOW_MS),
  });
  const sent = await sendRow(row, client, { referencePrice: reference });
  if (sent.status === "placed") return { kind: "placed", order: sent.order };
  if (sent.status === "refused") throw sent.error;
  if (sent.status === "switched_off") return { kind: "switched_off" };
  return { kind: "unknown" };
}

/** Brings our rows for the account up to date with the exchange (fills, cancels, lost answers). */
export async function reconcileAccountOrders(_userId: string, client: ExchangeClient, accountId: string) {
  await checkAccountOrders(client, accountId);
}

export async function cancelExchangeOrder(userId: string, input: { accountId: string; orderId: string; symbol: string }) {
  const { client } = await tradingAccount(userId, input.accountId);
  const row = await findOrderByExchangeId(userId, input.accountId, input.orderId);
  // One of ours goes through the lifecycle (its fill booked); another order on the account is canceled as is.
  if (row) {
    const result = await cancelRow(row, client);
    if (!result.done) throw new ExchangeError("unknown", `not canceled yet: ${result.reason ?? "pending"}`);
    return;
  }
  await client.cancelOrder(input.orderId, input.symbol);
}

export async function cancelAllForSymbol(userId: string, input: { accountId: string; symbol: string }) {
  const { client } = await tradingAccount(userId, input.accountId);
  const count = await client.cancelAllOrders(input.symbol);
  await checkAccountOrders(client, input.accountId);
  return count;
}
