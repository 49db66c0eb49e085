import Decimal from "decimal.js";
import { PerpDesk, PerpRefusal, type PerpOrder, type PerpRefusalKind } from "./perp-desk";

/**
 * Bitget v2 USDT perpetuals (`productType=USDT-FUTURES`, `/api/v2/mix/*`) for the Bitget simulator, on
 * the shared perpetual desk: one-way mode, orders under `clientOid` with `reduceOnly` YES/NO and the
 * order's own `marginMode` (isolated / crossed), margin mode and leverage per symbol, positions, and
 * funding in the contract bill (`businessType=contract_settle_fee`, read per symbol). Plan orders
 * (`normal_plan`, market, `place-plan-order`) are the desk's conditional orders: listed apart from plain
 * orders under their own id, `live` until fired, then `executed` with the id of the order they placed
 * (`executeOrderId`), which is a plain order of its own under a system client id.
 */

export const BITGET_MIX = [
  { id: "BTCUSDT", base: "BTC", contractSize: "1", lotSize: "0.001", minSize: "0.001", tickSize: "0.1", price: "60000" },
  { id: "ETHUSDT", base: "ETH", contractSize: "1", lotSize: "0.01", minSize: "0.01", tickSize: "0.01", price: "3000" },
  { id: "DOGEUSDT", base: "DOGE", contractSize: "1", lotSize: "1", minSize: "1", tickSize: "0.00001", price: "0.1" },
];

const s = (d: Decimal) => d.toFixed();
const PRODUCT = "USDT-FUTURES";

const BITGET_CODES: Record<PerpRefusalKind, [string, string]> = {
  unknown_market: ["40034", "Parameter symbol does not exist"],
  duplicate_client_id: ["40786", "Duplicate clientOid"],
  reduce_only: ["22002", "No position to close"],
  insufficient: ["40762", "The order amount exceeds the balance"],
  not_found: ["40768", "Order does not exist"],
  finished: ["40768", "Order does not exist"],
  bad_size: ["45111", "less than the minimum order quantity"],
  bad_price: ["40808", "Parameter verification exception price"],
  bad_leverage: ["40797", "Exceeded the maximum settable leverage"],
  position_open: ["45117", "Currently holding positions or orders, the margin mode cannot be adjusted"],
};

export class BitgetMixRefusal extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function bitgetMixDesk() {
  let n = 1_200_000_000_000_000_000n;
  return new PerpDesk(BITGET_MIX, () => String(n++), { takerRate: "0.0006", makerRate: "0.0002" });
}

const mode = (m: "isolated" | "cross") => (m === "cross" ? "crossed" : "isolated");

// A plan is numbered apart from the order it places once fired (that order keeps the desk's id).
const PLAN_IDS = 1_000_000_000_000_000_000n;
const planId = (o: PerpOrder) => String(BigInt(o.id) + PLAN_IDS);
/** What the plain order endpoints see: plain orders, and the orders fired plans placed. */
const isOrder = (o: PerpOrder) => o.trigger === null || (o.trigger.fired && o.status === "filled");
/** The order a fired plan placed carries a client id of Bitget's, not the plan's. */
const orderClientOid = (o: PerpOrder) => (o.trigger ? o.id : o.clientId);
const triggerTypes = new WeakMap<PerpOrder, string>();

function findOrder(desk: PerpDesk, apiKey: string, market: string, p: Record<string, unknown>) {
  const found = p.orderId
    ? desk.find(apiKey, market, { id: String(p.orderId) })
    : desk
        .account(apiKey)
        .orders.filter((o) => o.market === market && Boolean(p.clientOid) && orderClientOid(o) === p.clientOid)
        .at(-1);
  return found && isOrder(found) ? found : undefined;
}

function planStatus(o: PerpOrder) {
  if (!o.trigger!.fired) return o.status === "open" ? "live" : "cancelled";
  // Fired with nothing left on the other side to reduce: the reduce-only order was not placed.
  return o.status === "filled" ? "executed" : "fail_trigger";
}

function planInfo(o: PerpOrder) {
  const executed = o.trigger!.fired && o.status === "filled";
  return {
    planType: "normal_plan",
    symbol: o.market,
    size: s(o.qty),
    orderId: planId(o),
    executeOrderId: executed ? o.id : "",
    clientOid: o.clientId,
    planStatus: planStatus(o),
    price: "",
    executePrice: "",
    priceAvg: executed ? s(o.value.div(o.filled)) : "",
    baseVolume: s(o.filled),
    callbackRatio: "",
    triggerPrice: s(o.trigger!.price),
    triggerType: triggerTypes.get(o) ?? "mark_price",
    side: o.side,
    posSide: "net",
    marginCoin: "USDT",
    marginMode: mode(o.marginMode),
    enterPointSource: "API",
    tradeSide: o.side === "buy" ? "buy_single" : "sell_single",
    posMode: "one_way_mode",
    orderType: o.type,
    reduceOnly: o.reduceOnly ? "YES" : "NO",
    stopSurplusTriggerPrice: "",
    stopSurplusExecutePrice: "",
    stopSurplusTriggerType: "",
    stopLossTriggerPrice: "",
    stopLossExecutePrice: "",
    stopLossTriggerType: "",
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
  };
}

function detail(desk: PerpDesk, o: PerpOrder) {
  const avg = o.filled.gt(0) ? o.value.div(o.filled) : null;
  return {
    symbol: o.market,
    size: s(o.qty),
    orderId: o.id,
    clientOid: orderClientOid(o),
    baseVolume: s(o.filled),
    priceAvg: avg ? s(avg) : "",
    fee: s(o.fee.neg()),
    price: o.type === "limit" ? s(o.price) : "",
    state: o.status === "open" ? "live" : o.status,
    side: o.side,
    force: o.type === "market" ? "ioc" : "gtc",
    totalProfits: s(o.pnl),
    posSide: "net",
    marginCoin: "USDT",
    quoteVolume: s(o.value),
    orderType: o.type,
    leverage: String(o.leverage),
    marginMode: mode(o.marginMode),
    reduceOnly: o.reduceOnly ? "YES" : "NO",
    enterPointSource: "API",
    tradeSide: o.side === "buy" ? "buy_single" : "sell_single",
    posMode: "one_way_mode",
    orderSource: o.trigger ? "plan_market" : o.type === "market" ? "market" : "normal",
    cancelReason: "",
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
  };
}

function position(desk: PerpDesk, apiKey: string, id: string) {
  const p = desk.position(apiKey, id);
  const settings = desk.settings(apiKey, id);
  return {
    marginCoin: "USDT",
    symbol: id,
    holdSide: p.contracts.gt(0) ? "long" : "short",
    openDelegateSize: "0",
    marginSize: s(p.contracts.abs().mul(p.entryPrice).div(settings.leverage)),
    available: s(p.contracts.abs()),
    locked: "0",
    total: s(p.contracts.abs()),
    leverage: String(settings.leverage),
    achievedProfits: "0",
    openPriceAvg: s(p.entryPrice),
    marginMode: mode(settings.marginMode),
    posMode: "one_way_mode",
    unrealizedPL: s(desk.unrealized(apiKey, id)),
    liquidationPrice: "0",
    keepMarginRate: "0.004",
    markPrice: s(desk.prices.get(id)!),
    marginRatio: "0",
    cTime: String(p.createdAt),
    uTime: String(p.updatedAt),
  };
}

function ticker(desk: PerpDesk, id: string) {
  const last = s(desk.prices.get(id)!);
  return { symbol: id, lastPr: last, askPr: last, bidPr: last, bidSz: "1", askSz: "1", high24h: last, low24h: last, ts: String(Date.now()), change24h: "0", baseVolume: "0", quoteVolume: "0", usdtVolume: "0", openUtc: last, changeUtc24h: "0", indexPrice: last, fundingRate: "0.0001", holdingAmount: "0", open24h: last, markPrice: last };
}

function product(p: Record<string, unknown>) {
  if (p.productType !== PRODUCT && p.productType !== PRODUCT.toLowerCase()) throw new BitgetMixRefusal("40019", "Parameter productType cannot be empty");
}

/** The `/api/v2/mix/*` part of a request, or null for any other path. */
export function bitgetMixRoute(desk: PerpDesk, key: string, p: Record<string, unknown>, apiKey: string | undefined): unknown {
  if (!key.includes(" /api/v2/mix/")) return null;
  // The simulator lists USDT-margined contracts only: the coin- and USDC-margined lists are empty.
  if (key === "GET /api/v2/mix/market/contracts" && p.productType !== PRODUCT) return [];
  try {
    product(p);
    switch (key) {
      case "GET /api/v2/mix/market/contracts":
        return [...desk.markets.values()].map((m) => ({
          symbol: m.id,
          baseCoin: m.base,
          quoteCoin: "USDT",
          buyLimitPriceRatio: "0.05",
          sellLimitPriceRatio: "0.05",
          feeRateUpRatio: "0.005",
          makerFeeRate: "0.0002",
          takerFeeRate: "0.0006",
          openCostUpRatio: "0.01",
          supportMarginCoins: ["USDT"],
          minTradeNum: m.minSize,
          priceEndStep: "1",
          volumePlace: String(new Decimal(m.lotSize).decimalPlaces()),
          pricePlace: String(new Decimal(m.tickSize).decimalPlaces()),
          sizeMultiplier: m.lotSize,
          symbolType: "perpetual",
          minTradeUSDT: "5",
          maxSymbolOrderNum: "200",
          maxProductOrderNum: "400",
          maxPositionNum: "150",
          symbolStatus: "normal",
          offTime: "-1",
          limitOpenTime: "-1",
          deliveryTime: "",
          deliveryStartTime: "",
          launchTime: "",
          fundInterval: "8",
          minLever: "1",
          maxLever: "125",
          posLimit: "0.05",
          maintainTime: "",
        }));
      case "GET /api/v2/mix/market/ticker":
        return [ticker(desk, desk.market(p.symbol).id)];
      case "GET /api/v2/mix/market/tickers":
        return [...desk.markets.keys()].map((id) => ticker(desk, id));
    }
    if (!apiKey) return null;
    switch (key) {
      case "GET /api/v2/mix/account/accounts": {
        const acc = desk.account(apiKey);
        const free = desk.available(apiKey);
        return [{ marginCoin: "USDT", locked: "0", available: s(free), crossedMaxAvailable: s(free), isolatedMaxAvailable: s(free), maxTransferOut: s(free), accountEquity: s(acc.wallet), usdtEquity: s(acc.wallet), btcEquity: "0", crossedRiskRate: "0", unrealizedPL: "0", coupon: "0", crossedUnrealizedPL: "0", isolatedUnrealizedPL: "0", assetMode: "single" }];
      }
      case "POST /api/v2/mix/account/set-margin-mode": {
        const m = p.marginMode === "isolated" ? "isolated" : p.marginMode === "crossed" ? "cross" : null;
        if (!m) throw new BitgetMixRefusal("40020", "Parameter marginMode error");
        desk.setMarginMode(apiKey, desk.market(p.symbol).id, m);
        const settings = desk.settings(apiKey, String(p.symbol));
        return { symbol: p.symbol, marginCoin: "USDT", longLeverage: String(settings.leverage), shortLeverage: String(settings.leverage), marginMode: p.marginMode };
      }
      case "POST /api/v2/mix/account/set-leverage": {
        const id = desk.market(p.symbol).id;
        desk.setLeverage(apiKey, id, Number(p.leverage));
        const settings = desk.settings(apiKey, id);
        return { symbol: id, marginCoin: "USDT", longLeverage: String(settings.leverage), shortLeverage: String(settings.leverage), crossMarginLeverage: String(settings.leverage), marginMode: mode(settings.marginMode) };
      }
      case "GET /api/v2/mix/position/all-position":
      case "GET /api/v2/mix/position/single-position":
        return [...desk.account(apiKey).positions.keys()]
          .filter((id) => (!p.symbol || id === p.symbol) && !desk.position(apiKey, id).contracts.isZero())
          .map((id) => position(desk, apiKey, id));
      case "GET /api/v2/mix/account/bill":
        return {
          bills: desk
            .account(apiKey)
            .bills.filter((b) => (!p.symbol || b.market === p.symbol) && (!p.businessType || p.businessType === "contract_settle_fee") && (!p.startTime || b.time >= Number(p.startTime)))
            .sort((a, b) => b.time - a.time)
            .map((b) => ({ billId: b.id, symbol: b.market, amount: s(b.amount), fee: "0", feeByCoupon: "", businessType: "contract_settle_fee", coin: "USDT", balance: s(desk.account(apiKey).wallet), cTime: String(b.time) })),
          endId: "",
        };
      case "POST /api/v2/mix/order/place-order": {
        if (p.marginCoin !== "USDT") throw new BitgetMixRefusal("40020", "Parameter marginCoin error");
        if (p.tradeSide !== undefined) throw new BitgetMixRefusal("40774", "The order type for unilateral position must also be the unilateral position type.");
        const marginMode = p.marginMode === "isolated" ? "isolated" : p.marginMode === "crossed" ? "cross" : null;
        if (!marginMode) throw new BitgetMixRefusal("40020", "Parameter marginMode error");
        const side = p.side === "buy" || p.side === "sell" ? p.side : null;
        const type = p.orderType === "market" || p.orderType === "limit" ? p.orderType : null;
        if (!side || !type) throw new BitgetMixRefusal("40020", "Parameter side or orderType error");
        const o = desk.place(apiKey, {
          market: desk.market(p.symbol).id,
          side,
          type,
          qty: String(p.size ?? "0"),
          price: p.price === undefined ? undefined : String(p.price),
          clientId: typeof p.clientOid === "string" ? p.clientOid : "",
          reduceOnly: p.reduceOnly === "YES",
          marginMode,
        });
        return { orderId: o.id, clientOid: o.clientId };
      }
      case "POST /api/v2/mix/order/cancel-order": {
        const market = desk.market(p.symbol).id;
        const found = findOrder(desk, apiKey, market, p);
        if (!found) throw new PerpRefusal("not_found", "Order does not exist");
        const o = desk.cancel(apiKey, market, { id: found.id });
        return { orderId: o.id, clientOid: orderClientOid(o) };
      }
      case "GET /api/v2/mix/order/detail": {
        const o = findOrder(desk, apiKey, desk.market(p.symbol).id, p);
        if (!o) throw new PerpRefusal("not_found", "Order does not exist");
        return detail(desk, o);
      }
      case "POST /api/v2/mix/order/place-plan-order": {
        if (p.marginCoin !== "USDT") throw new BitgetMixRefusal("40020", "Parameter marginCoin error");
        if (p.planType !== "normal_plan") throw new BitgetMixRefusal("40020", "Parameter planType error: only normal_plan here");
        if (p.tradeSide !== undefined) throw new BitgetMixRefusal("40774", "The order type for unilateral position must also be the unilateral position type.");
        const marginMode = p.marginMode === "isolated" ? "isolated" : p.marginMode === "crossed" ? "cross" : null;
        if (!marginMode) throw new BitgetMixRefusal("40020", "Parameter marginMode error");
        const side = p.side === "buy" || p.side === "sell" ? p.side : null;
        if (!side || p.orderType !== "market") throw new BitgetMixRefusal("40020", "Parameter side or orderType error: only market plan orders here");
        if (p.triggerType !== "fill_price" && p.triggerType !== "mark_price") throw new BitgetMixRefusal("40020", "Parameter triggerType error");
        if (p.triggerPrice === undefined || !/^\d+(\.\d+)?$/.test(String(p.triggerPrice))) throw new BitgetMixRefusal("40020", "Parameter triggerPrice error");
        const market = desk.market(p.symbol).id;
        // The plan fires when the price reaches the trigger from where it stood when the plan was placed.
        const direction = new Decimal(String(p.triggerPrice)).gt(desk.prices.get(market)!) ? "rise" : "fall";
        const o = desk.place(apiKey, {
          market,
          side,
          type: "market",
          qty: String(p.size ?? "0"),
          clientId: typeof p.clientOid === "string" ? p.clientOid : "",
          reduceOnly: p.reduceOnly === "YES",
          marginMode,
          trigger: { price: String(p.triggerPrice), direction },
        });
        triggerTypes.set(o, p.triggerType);
        return { orderId: planId(o), clientOid: o.clientId };
      }
      case "POST /api/v2/mix/order/cancel-plan-order": {
        if (p.planType !== undefined && p.planType !== "normal_plan") return { successList: [], failureList: [] };
        const plans = desk.account(apiKey).orders.filter((o) => o.trigger !== null && (!p.symbol || o.market === p.symbol));
        const live = (o: PerpOrder) => o.status === "open" && !o.trigger!.fired;
        const cancel = (o: PerpOrder) => {
          desk.cancel(apiKey, o.market, { id: o.id });
          return { orderId: planId(o), clientOid: o.clientId };
        };
        if (!Array.isArray(p.orderIdList)) return { successList: plans.filter(live).map(cancel), failureList: [] };
        const successList: { orderId: string; clientOid: string }[] = [];
        const failureList: { orderId: string; clientOid: string; errorMsg: string; errorCode: string }[] = [];
        for (const wanted of p.orderIdList as { orderId?: string; clientOid?: string }[]) {
          const o = plans.find((x) => (wanted.orderId ? planId(x) === wanted.orderId : Boolean(wanted.clientOid) && x.clientId === wanted.clientOid));
          if (o && live(o)) successList.push(cancel(o));
          else failureList.push({ orderId: wanted.orderId ?? "", clientOid: wanted.clientOid ?? "", errorMsg: "Plan order does not exist", errorCode: "43025" });
        }
        return { successList, failureList };
      }
      case "GET /api/v2/mix/order/orders-plan-pending":
      case "GET /api/v2/mix/order/orders-plan-history": {
        if (!p.planType) throw new BitgetMixRefusal("40019", "Parameter planType cannot be empty");
        if (p.planType !== "normal_plan") return { entrustedList: null, endId: "" };
        const pending = key.endsWith("pending");
        const list = desk
          .account(apiKey)
          .orders.filter((o) => o.trigger !== null && (!p.symbol || o.market === p.symbol) && (planStatus(o) === "live") === pending)
          .filter((o) => (!p.orderId || planId(o) === p.orderId) && (!p.clientOid || o.clientId === p.clientOid))
          .sort((a, b) => b.createdAt - a.createdAt)
          .slice(0, Math.min(Number(p.limit ?? 100), 100));
        return { entrustedList: list.length ? list.map(planInfo) : null, endId: list.length ? planId(list.at(-1)!) : "" };
      }
      case "GET /api/v2/mix/order/orders-pending":
      case "GET /api/v2/mix/order/orders-history": {
        const list = desk
          .orders(apiKey, { market: p.symbol as string | undefined, open: key.endsWith("pending") })
          .filter(isOrder)
          .filter((o) => (!p.orderId || o.id === p.orderId) && (!p.clientOid || orderClientOid(o) === p.clientOid))
          .slice(0, Math.min(Number(p.limit ?? 100), 100));
        return { entrustedList: list.length ? list.map((o) => detail(desk, o)) : null, endId: list.at(-1)?.id ?? "" };
      }
      case "GET /api/v2/mix/order/fills":
      case "GET /api/v2/mix/order/fill-history":
        return {
          fillList: desk
            .account(apiKey)
            .fills.filter((f) => (!p.symbol || f.market === p.symbol) && (!p.orderId || f.orderId === p.orderId))
            .sort((a, b) => b.time - a.time)
            .map((f) => ({ tradeId: f.id, symbol: f.market, orderId: f.orderId, price: s(f.price), baseVolume: s(f.qty), feeDetail: [{ deduction: "no", feeCoin: "USDT", totalDeductionFee: "0", totalFee: s(f.fee.neg()) }], side: f.side, quoteVolume: s(f.qty.mul(f.price)), profit: s(f.pnl), enterPointSource: "API", tradeSide: f.side === "buy" ? "buy_single" : "sell_single", posMode: "one_way_mode", tradeScope: f.maker ? "maker" : "taker", cTime: String(f.time) })),
          endId: "",
        };
    }
    return null;
  } catch (error) {
    if (!(error instanceof PerpRefusal)) throw error;
    const [code, msg] = BITGET_CODES[error.kind];
    throw new BitgetMixRefusal(code, msg);
  }
}
