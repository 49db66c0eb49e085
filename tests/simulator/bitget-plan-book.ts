import Decimal from "decimal.js";

/**
 * Bitget v2 spot plan (trigger) orders for the Bitget simulator: `place-plan-order`, `cancel-plan-order`,
 * `batch-cancel-plan-order`, `current-plan-order`, `history-plan-order` and `plan-sub-order`. A plan
 * waits as `live` and reserves nothing; when the last price crosses its trigger (upward when the trigger
 * was above the price at creation) it places its order (`executed`, the order listed as its sub-order),
 * or ends `fail_execute` when the coins are not there. Canceled ones end `cancelled`.
 */

export interface BitgetSimPlan {
  orderId: string;
  clientOid: string;
  symbol: string;
  side: "buy" | "sell";
  orderType: "limit" | "market";
  size: Decimal;
  executePrice: Decimal | null;
  triggerPrice: Decimal;
  triggerType: string;
  upward: boolean;
  status: "live" | "executed" | "cancelled" | "fail_execute";
  subOrderId: string;
  cTime: number;
  uTime: number;
}

export class PlanRefusal extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PlanHost {
  market(symbol: unknown): { symbol: string; pricePrecision: number; quantityPrecision: number; minTradeUSDT: string };
  last(symbol: string): Decimal;
  decimals(value: unknown, digits: number, what: string): Decimal;
  /** Places a plain order (as `place-order`); answers its orderId. */
  place(p: Record<string, unknown>): string;
  /** The client id is taken by an order or a plan of the account. */
  clientOidTaken(clientOid: string): boolean;
}

const str = (d: Decimal) => d.toFixed();

export class BitgetPlanBook {
  readonly plans: BitgetSimPlan[] = [];

  constructor(private readonly nextId: () => string) {}

  place(host: PlanHost, p: Record<string, unknown>) {
    const m = host.market(p.symbol);
    const side = p.side === "buy" || p.side === "sell" ? p.side : null;
    const orderType = p.orderType === "market" || p.orderType === "limit" ? p.orderType : null;
    if (!side || !orderType) throw new PlanRefusal("40017", "Parameter verification failed: side or orderType");
    if (p.triggerType !== "fill_price" && p.triggerType !== "mark_price") throw new PlanRefusal("40017", "Parameter verification failed: triggerType");
    if (p.planType !== undefined && p.planType !== "amount" && p.planType !== "total") throw new PlanRefusal("40017", "Parameter verification failed: planType");
    const clientOid = typeof p.clientOid === "string" && p.clientOid ? p.clientOid : `sys${this.nextId()}`;
    if (clientOid.length > 50) throw new PlanRefusal("40305", "Client_oid length is not greater than 50, and cannot be Martian characters");
    if (host.clientOidTaken(clientOid)) throw new PlanRefusal("40017", "Duplicate clientOid");
    const triggerPrice = host.decimals(p.triggerPrice, m.pricePrecision, "triggerPrice");
    const executePrice = orderType === "limit" ? host.decimals(p.executePrice, m.pricePrecision, "executePrice") : null;
    const size = host.decimals(p.size, m.quantityPrecision, "size");
    if (size.mul(executePrice ?? triggerPrice).lt(m.minTradeUSDT)) throw new PlanRefusal("45110", `less than the minimum amount ${m.minTradeUSDT}`);
    const now = Date.now();
    const plan: BitgetSimPlan = {
      orderId: this.nextId(),
      clientOid,
      symbol: m.symbol,
      side,
      orderType,
      size,
      executePrice,
      triggerPrice,
      triggerType: String(p.triggerType),
      upward: triggerPrice.gt(host.last(m.symbol)),
      status: "live",
      subOrderId: "",
      cTime: now,
      uTime: now,
    };
    this.plans.push(plan);
    return { orderId: plan.orderId, clientOid };
  }

  cancel(p: Record<string, unknown>) {
    const plan = this.plans.find((x) => (p.orderId ? x.orderId === p.orderId : Boolean(p.clientOid) && x.clientOid === p.clientOid));
    if (!plan || plan.status !== "live") throw new PlanRefusal("43025", "Plan order does not exist");
    plan.status = "cancelled";
    plan.uTime = Date.now();
    return { result: "success" };
  }

  cancelSymbols(p: Record<string, unknown>) {
    const symbols = Array.isArray(p.symbolList) ? p.symbolList.map(String) : [];
    const live = this.plans.filter((x) => x.status === "live" && (symbols.length === 0 || symbols.includes(x.symbol)));
    for (const plan of live) {
      plan.status = "cancelled";
      plan.uTime = Date.now();
    }
    return { successList: live.map((x) => ({ orderId: x.orderId, clientOid: x.clientOid })), failureList: [] };
  }

  list(p: Record<string, unknown>, current: boolean) {
    if (!p.symbol) throw new PlanRefusal("40017", "Parameter verification failed: symbol");
    if (!current && (!p.startTime || !p.endTime)) throw new PlanRefusal("40017", "Parameter verification failed: startTime and endTime");
    const orderList = this.plans
      .filter((x) => (current ? x.status === "live" : x.status !== "live"))
      .filter((x) => x.symbol === p.symbol)
      .sort((a, b) => b.cTime - a.cTime)
      .slice(0, Math.min(Number(p.limit ?? 100), 100))
      .map((x) => this.info(x));
    return { nextFlag: false, idLessThan: orderList.at(-1)?.orderId ?? "", orderList };
  }

  subOrders(p: Record<string, unknown>, detail: (orderId: string) => { price: string; orderType: string; status: string } | undefined) {
    const plan = this.plans.find((x) => x.orderId === p.planOrderId);
    if (!plan) throw new PlanRefusal("43025", "Plan order does not exist");
    const sub = plan.subOrderId ? detail(plan.subOrderId) : undefined;
    return sub ? [{ orderId: plan.subOrderId, price: sub.price, type: sub.orderType, status: sub.status }] : [];
  }

  /** Fires the live plans of `symbol` whose trigger the last price `p` crossed. */
  trigger(host: PlanHost, symbol: string, p: Decimal) {
    for (const plan of this.plans) {
      if (plan.symbol !== symbol || plan.status !== "live") continue;
      if (plan.upward ? p.lt(plan.triggerPrice) : p.gt(plan.triggerPrice)) continue;
      plan.uTime = Date.now();
      try {
        plan.subOrderId = host.place({ symbol, side: plan.side, orderType: plan.orderType, force: "gtc", price: plan.executePrice ? str(plan.executePrice) : undefined, size: str(plan.size) });
        plan.status = "executed";
      } catch {
        plan.status = "fail_execute";
      }
    }
  }

  private info(x: BitgetSimPlan) {
    return {
      orderId: x.orderId,
      clientOid: x.clientOid,
      symbol: x.symbol,
      size: str(x.size),
      planType: "AMOUNT",
      executePrice: x.executePrice ? str(x.executePrice) : "0",
      triggerPrice: str(x.triggerPrice),
      status: x.status,
      orderType: x.orderType,
      side: x.side,
      triggerType: x.triggerType,
      enterPointSource: "API",
      cTime: String(x.cTime),
      uTime: String(x.uTime),
    };
  }
}
