import Decimal from "decimal.js";
import { PerpDesk, PerpRefusal, type PerpOrder, type PerpRefusalKind } from "./perp-desk";

/**
 * Bybit v5 USDT perpetuals (`category=linear`) for the Bybit simulator, on the shared perpetual desk: a
 * unified account in one-way mode (`positionIdx` 0), orders under `orderLinkId` with `reduceOnly`,
 * leverage by `/v5/position/set-leverage` (110043 when unchanged, as Bybit answers), the unified account's
 * margin mode by `/v5/account/set-margin-mode` (account-wide on a unified account), positions, and funding
 * as `execType=Funding` executions whose `execFee` is positive when paid.
 */

export const BYBIT_LINEAR = [
  { id: "BTCUSDT", base: "BTC", contractSize: "1", lotSize: "0.001", minSize: "0.001", tickSize: "0.10", price: "60000" },
  { id: "ETHUSDT", base: "ETH", contractSize: "1", lotSize: "0.01", minSize: "0.01", tickSize: "0.01", price: "3000" },
  { id: "DOGEUSDT", base: "DOGE", contractSize: "1", lotSize: "1", minSize: "1", tickSize: "0.00001", price: "0.1" },
];

const s = (d: Decimal) => d.toFixed();

const BYBIT_CODES: Record<PerpRefusalKind, [number, string]> = {
  unknown_market: [10001, "params error: symbol invalid"],
  duplicate_client_id: [110072, "OrderLinkedID is duplicate"],
  reduce_only: [110017, "Reduce-only rule not satisfied"],
  insufficient: [110007, "ab not enough for new order"],
  not_found: [110001, "Order does not exist"],
  finished: [110001, "Order does not exist"],
  bad_size: [10001, "Qty invalid"],
  bad_price: [10001, "Price invalid"],
  bad_leverage: [10001, "leverage invalid"],
  position_open: [3400045, "Set margin mode failed: there are open positions or orders"],
};

export class BybitLinearRefusal extends Error {
  constructor(
    public readonly retCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function bybitLinearDesk() {
  let n = 1;
  return new PerpDesk(BYBIT_LINEAR, () => `lin-${String(n++).padStart(8, "0")}`, { takerRate: "0.00055", makerRate: "0.0002" });
}

const STATUS = { open: "New", filled: "Filled", canceled: "Cancelled" } as const;

function orderInfo(desk: PerpDesk, o: PerpOrder) {
  const avg = o.filled.gt(0) ? o.value.div(o.filled) : null;
  return {
    orderId: o.id,
    orderLinkId: o.clientId,
    symbol: o.market,
    price: o.type === "limit" ? s(o.price) : "0",
    qty: s(o.qty),
    side: o.side === "buy" ? "Buy" : "Sell",
    isLeverage: "",
    positionIdx: 0,
    orderStatus: o.trigger && !o.trigger.fired && o.status === "open" ? "Untriggered" : o.trigger?.fired && o.status === "canceled" ? "Deactivated" : STATUS[o.status],
    cancelType: "UNKNOWN",
    rejectReason: "EC_NoError",
    avgPrice: avg ? s(avg) : "",
    leavesQty: s(o.status === "open" ? o.qty.sub(o.filled) : new Decimal(0)),
    leavesValue: "0",
    cumExecQty: s(o.filled),
    cumExecValue: s(o.value),
    cumExecFee: s(o.fee),
    timeInForce: o.type === "market" ? "IOC" : "GTC",
    orderType: o.type === "market" ? "Market" : "Limit",
    stopOrderType: o.trigger ? "Stop" : "",
    triggerPrice: o.trigger ? s(o.trigger.price) : "",
    triggerDirection: o.trigger ? (o.trigger.direction === "rise" ? 1 : 2) : 0,
    takeProfit: "",
    stopLoss: "",
    reduceOnly: o.reduceOnly,
    closeOnTrigger: false,
    createdTime: String(o.createdAt),
    updatedTime: String(o.updatedAt),
  };
}

function positionInfo(desk: PerpDesk, apiKey: string, id: string) {
  const p = desk.position(apiKey, id);
  const settings = desk.settings(apiKey, id);
  const last = desk.prices.get(id)!;
  return {
    positionIdx: 0,
    riskId: 1,
    riskLimitValue: "2000000",
    symbol: id,
    side: p.contracts.gt(0) ? "Buy" : p.contracts.lt(0) ? "Sell" : "",
    size: s(p.contracts.abs()),
    avgPrice: s(p.entryPrice),
    positionValue: s(p.contracts.abs().mul(p.entryPrice)),
    tradeMode: settings.marginMode === "isolated" ? 1 : 0,
    positionStatus: "Normal",
    autoAddMargin: 0,
    adlRankIndicator: 2,
    leverage: String(settings.leverage),
    positionBalance: "0",
    markPrice: s(last),
    liqPrice: "",
    bustPrice: "",
    positionMM: "0",
    positionIM: "0",
    tpslMode: "Full",
    takeProfit: "",
    stopLoss: "",
    trailingStop: "0",
    unrealisedPnl: s(desk.unrealized(apiKey, id)),
    cumRealisedPnl: "0",
    seq: 1,
    isReduceOnly: false,
    createdTime: String(p.createdAt),
    updatedTime: String(p.updatedAt),
  };
}

/** The linear part of a request, or null when the request is not about linear perpetuals. */
export function bybitLinearRoute(desk: PerpDesk, key: string, p: Record<string, unknown>, apiKey: string | undefined): unknown {
  try {
    if (key === "POST /v5/account/set-margin-mode" && apiKey) {
      const mode = p.setMarginMode === "ISOLATED_MARGIN" ? "isolated" : p.setMarginMode === "REGULAR_MARGIN" ? "cross" : null;
      if (!mode) throw new BybitLinearRefusal(10001, "params error: setMarginMode invalid");
      // A unified account's margin mode is the account's, for every symbol.
      for (const id of desk.markets.keys()) desk.setMarginMode(apiKey, id, mode);
      return { reasons: [] };
    }
    if (p.category !== "linear") return null;
    switch (key) {
      case "GET /v5/market/instruments-info":
        return {
          category: "linear",
          nextPageCursor: "",
          list: [...desk.markets.values()].map((m) => ({
            symbol: m.id,
            contractType: "LinearPerpetual",
            status: "Trading",
            baseCoin: m.base,
            quoteCoin: "USDT",
            settleCoin: "USDT",
            launchTime: "1585526400000",
            deliveryTime: "0",
            deliveryFeeRate: "",
            priceScale: String(new Decimal(m.tickSize).decimalPlaces()),
            leverageFilter: { minLeverage: "1", maxLeverage: "100.00", leverageStep: "0.01" },
            priceFilter: { minPrice: m.tickSize, maxPrice: "1999999.80", tickSize: m.tickSize },
            lotSizeFilter: { maxOrderQty: "1190.000", minOrderQty: m.minSize, qtyStep: m.lotSize, postOnlyMaxOrderQty: "1190.000", maxMktOrderQty: "500.000", minNotionalValue: "5" },
            unifiedMarginTrade: true,
            fundingInterval: 480,
            copyTrading: "both",
            upperFundingRate: "0.005",
            lowerFundingRate: "-0.005",
          })),
        };
      case "GET /v5/market/tickers":
        return {
          category: "linear",
          list: [...desk.markets.values()]
            .filter((m) => !p.symbol || m.id === p.symbol)
            .map((m) => {
              const last = s(desk.prices.get(m.id)!);
              return { symbol: m.id, lastPrice: last, bid1Price: last, bid1Size: "1", ask1Price: last, ask1Size: "1", markPrice: last, indexPrice: last, prevPrice24h: last, price24hPcnt: "0", highPrice24h: last, lowPrice24h: last, turnover24h: "0", volume24h: "0", fundingRate: "0.0001", nextFundingTime: String(Date.now() + 3_600_000) };
            }),
        };
    }
    if (!apiKey) return null;
    switch (key) {
      case "POST /v5/position/set-leverage": {
        const m = desk.market(p.symbol);
        if (p.buyLeverage !== p.sellLeverage) throw new BybitLinearRefusal(10001, "buy leverage must equal sell leverage in one-way mode");
        if (desk.settings(apiKey, m.id).leverage === Number(p.buyLeverage)) throw new BybitLinearRefusal(110043, "Set leverage not modified");
        desk.setLeverage(apiKey, m.id, Number(p.buyLeverage));
        return {};
      }
      case "GET /v5/position/list":
        return {
          category: "linear",
          nextPageCursor: "",
          list: [...desk.account(apiKey).positions.keys()]
            .filter((id) => (p.symbol ? id === p.symbol : true))
            .filter((id) => !desk.position(apiKey, id).contracts.isZero())
            .map((id) => positionInfo(desk, apiKey, id)),
        };
      case "POST /v5/order/create": {
        if (p.positionIdx !== undefined && Number(p.positionIdx) !== 0) throw new BybitLinearRefusal(10001, "position idx not match position mode");
        const side = p.side === "Buy" ? "buy" : p.side === "Sell" ? "sell" : null;
        const type = p.orderType === "Market" ? "market" : p.orderType === "Limit" ? "limit" : null;
        if (!side || !type) throw new BybitLinearRefusal(10001, "params error: side or orderType invalid");
        const orderLinkId = typeof p.orderLinkId === "string" ? p.orderLinkId : "";
        if (orderLinkId.length > 36) throw new BybitLinearRefusal(10001, "params error: orderLinkId too long");
        const o = desk.place(apiKey, {
          market: desk.market(p.symbol).id,
          side,
          type,
          qty: String(p.qty ?? "0"),
          price: p.price === undefined ? undefined : String(p.price),
          clientId: orderLinkId,
          reduceOnly: p.reduceOnly === true || p.reduceOnly === "true",
          // A conditional order: `triggerPrice` with `triggerDirection` 1 (rises to) or 2 (falls to).
          ...(p.triggerPrice !== undefined
            ? (() => {
                const direction = Number(p.triggerDirection) === 1 ? "rise" : Number(p.triggerDirection) === 2 ? "fall" : null;
                if (!direction) throw new BybitLinearRefusal(10001, "params error: triggerDirection invalid");
                if (type !== "market") throw new BybitLinearRefusal(10001, "params error: only conditional market orders here");
                return { trigger: { price: String(p.triggerPrice), direction } as const };
              })()
            : {}),
        });
        return { orderId: o.id, orderLinkId: o.clientId };
      }
      case "POST /v5/order/cancel": {
        const o = desk.cancel(apiKey, desk.market(p.symbol).id, { id: p.orderId as string | undefined, clientId: p.orderLinkId as string | undefined });
        return { orderId: o.id, orderLinkId: o.clientId };
      }
      case "POST /v5/order/cancel-all": {
        // `orderFilter: StopOrder`: the conditional orders only; `Order`: the plain ones; neither: all.
        const open = desk
          .orders(apiKey, { market: p.symbol as string | undefined, open: true })
          .filter((o) => (p.orderFilter === "StopOrder" ? o.trigger !== null : p.orderFilter === "Order" ? o.trigger === null : true));
        for (const o of open) desk.cancel(apiKey, o.market, { id: o.id });
        return { list: open.map((o) => ({ orderId: o.id, orderLinkId: o.clientId })), success: "1" };
      }
      case "GET /v5/order/realtime":
      case "GET /v5/order/history": {
        const list = desk
          .orders(apiKey, { market: p.symbol as string | undefined, open: key.endsWith("realtime") })
          .filter((o) => (!p.orderId || o.id === p.orderId) && (!p.orderLinkId || o.clientId === p.orderLinkId))
          .slice(0, Math.min(Number(p.limit ?? 20), 50));
        return { category: "linear", nextPageCursor: "", list: list.map((o) => orderInfo(desk, o)) };
      }
      case "GET /v5/execution/list": {
        const acc = desk.account(apiKey);
        if (p.execType === "Funding") {
          const list = acc.bills
            .filter((b) => (!p.symbol || b.market === p.symbol) && (!p.startTime || b.time >= Number(p.startTime)))
            .sort((a, b) => b.time - a.time)
            // Bybit's funding execution: `execFee` positive is paid, negative received.
            .map((b) => ({ symbol: b.market, orderId: "", orderLinkId: "", side: "", execId: b.id, execType: "Funding", execFee: s(b.amount.neg()), feeRate: "0.0001", execPrice: "0", execQty: "0", execValue: "0", execTime: String(b.time), isMaker: false }));
          return { category: "linear", nextPageCursor: "", list };
        }
        const list = acc.fills
          .filter((f) => (!p.symbol || f.market === p.symbol) && (!p.orderId || f.orderId === p.orderId) && (!p.orderLinkId || f.clientId === p.orderLinkId))
          .sort((a, b) => b.time - a.time)
          .map((f) => ({ symbol: f.market, orderId: f.orderId, orderLinkId: f.clientId, side: f.side === "buy" ? "Buy" : "Sell", orderType: "Market", execFee: s(f.fee), feeCurrency: "USDT", execId: f.id, execPrice: s(f.price), execQty: s(f.qty), execType: "Trade", execValue: s(f.qty.mul(f.price)), execTime: String(f.time), isMaker: f.maker, feeRate: "0.00055", closedSize: "" }));
        return { category: "linear", nextPageCursor: "", list };
      }
    }
    return null;
  } catch (error) {
    if (!(error instanceof PerpRefusal)) throw error;
    const [code, msg] = BYBIT_CODES[error.kind];
    throw new BybitLinearRefusal(code, msg);
  }
}

/** The unified account's USDT, as `/v5/account/wallet-balance` lists a coin, from the perpetual margin account. */
export function bybitLinearCoin(desk: PerpDesk, apiKey: string) {
  const acc = desk.account(apiKey);
  const used = acc.wallet.sub(desk.available(apiKey));
  return { coin: "USDT", equity: s(acc.wallet), usdValue: s(acc.wallet), walletBalance: s(acc.wallet), locked: "0", borrowAmount: "0", accruedInterest: "0", totalOrderIM: "0", totalPositionIM: s(used), totalPositionMM: "0", unrealisedPnl: "0", cumRealisedPnl: "0", availableToWithdraw: "", marginCollateral: true, collateralSwitch: true };
}
