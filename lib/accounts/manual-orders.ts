import "server-only";
import Decimal from "decimal.js";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import {
  findOrderByExchangeId,
  insertOrderIntent,
  listTrackedOrders,
  exchangeResultOf,
  recordExchangeResult,
} from "@/db/queries/orders";
import type { ExchangeAccount } from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  checkOrder,
  clientForAccount,
  ExchangeError,
  floorToStep,
  isUnknownOutcome,
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
  | { kind: "unknown" };

/**
 * A manual order: checked against the market's rules, written to our orders table, then sent once.
 * When the answer is lost, the order is looked up by its client id instead of being sent again.
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

  const clientOrderId = manualClientOrderId();
  const row = await insertOrderIntent({
    userId,
    accountId: account.id,
    source: "manual",
    clientOrderId,
    symbol: market.symbol,
    side: input.side,
    type: input.type,
    amount: check.amount,
    price: check.price ?? null,
  });
  try {
    const order = await client.createOrder({
      symbol: market.symbol,
      side: input.side,
      type: input.type,
      amount: check.amount,
      price: check.price,
      clientOrderId,
      referencePrice: reference,
    });
    await recordExchangeResult(row.id, exchangeResultOf(order));
    return { kind: "placed", order };
  } catch (error) {
    if (!isUnknownOutcome(error)) {
      const e = error instanceof ExchangeError ? error : new ExchangeError("unknown", "order failed");
      await recordExchangeResult(row.id, { status: "rejected", error: { code: e.code, message: e.message } });
      throw e;
    }
    const found = await client.findOrderByClientId(clientOrderId, market.symbol).catch(() => null);
    if (found) {
      await recordExchangeResult(row.id, exchangeResultOf(found));
      return { kind: "placed", order: found };
    }
    await recordExchangeResult(row.id, { status: "unknown", error: { code: (error as ExchangeError).code, message: "no answer" } });
    return { kind: "unknown" };
  }
}

// An order the exchange never confirmed is looked up again; after this long without a trace it did not happen.
const UNKNOWN_GIVE_UP_MS = 2 * 60 * 1000;

/** Brings our rows for the account up to date with the exchange (fills, cancels, lost answers). */
export async function reconcileAccountOrders(userId: string, client: ExchangeClient, accountId: string) {
  const tracked = await listTrackedOrders(userId, accountId);
  for (const row of tracked) {
    try {
      const found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
      if (found) {
        await recordExchangeResult(row.id, { ...exchangeResultOf(found), error: null });
      } else if ((row.status === "unknown" || row.status === "sending") && Date.now() - row.createdAt.getTime() > UNKNOWN_GIVE_UP_MS) {
        await recordExchangeResult(row.id, { status: "rejected", error: { code: "not_placed", message: "the exchange has no such order" } });
      }
    } catch {
      // The next look will try again; a page view must not fail because one order could not be read.
    }
  }
}

export async function cancelExchangeOrder(userId: string, input: { accountId: string; orderId: string; symbol: string }) {
  const { client } = await tradingAccount(userId, input.accountId);
  const order = await client.cancelOrder(input.orderId, input.symbol);
  const row = await findOrderByExchangeId(userId, input.accountId, input.orderId);
  if (row) await recordExchangeResult(row.id, exchangeResultOf(order));
  return order;
}

export async function cancelAllForSymbol(userId: string, input: { accountId: string; symbol: string }) {
  const { client } = await tradingAccount(userId, input.accountId);
  const count = await client.cancelAllOrders(input.symbol);
  await reconcileAccountOrders(userId, client, input.accountId);
  return count;
}
