import Decimal from "decimal.js";
import { SpotRefusal, type SpotDesk, type SpotOrder } from "./spot-desk";

/**
 * Bitget v2 spot plan (trigger) orders for the Bitget simulator: `place-plan-order`, `cancel-plan-order`,
 * `batch-cancel-plan-order`, `current-plan-order`, `history-plan-order` and `plan-sub-order`. Plans are the
 * shared spot desk's conditional orders: a plan waits as `live` and reserves nothing; when the last price
 * crosses its trigger (upward when the trigger was above the price at creation) the desk places its order
 * (`executed`; the order, listed as its sub-order, keeps the desk's id while the plan is numbered apart), or
 * the plan ends `fail_execute` when the coins are not there. Canceled ones end `cancelled`.
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
  decimals(value: unknown, digits: number, what: string): Decimal;
  /** The client id is taken by an order or a plan of the account. */
  clientOidTaken(clientOid: string): boolean;
}

const str = (d: Decimal) => d.toFixed();
const PLAN_IDS = 1_000_000_000_000_000_000n;
const planId = (o: SpotOrder) => String(BigInt(o.id) + PLAN_IDS);
/** A fired plan whose coins were there: its desk order is a plain order of the account. */
export const placedByPlan = (o: SpotOrder) => o.trigger !== null && o.trigger.firedAt !== null && o.status !== "rejected";

function planStatus(o: SpotOrder): BitgetSimPlan["status"] {
  if (o.status === "waiting") return "live";
  if (o.status === "deactivated") return "cancelled";
  return o.status === "rejected" ? "fail_execute" : "executed";
}

export class BitgetPlanBook {
  /** Bitget's side of each plan, by desk order id; the desk order itself carries no client id. */
  private readonly meta = new Map<string, { clientOid: string; triggerType: string }>();

  constructor(
    private readonly desk: SpotDesk,
    private readonly key: string,
    private readonly nextId: () => string,
  ) {}

  /** The account's plans, oldest first (rebuilt on each read). */
  get plans(): BitgetSimPlan[] {
    return this.deskPlans().map((o) => this.view(o));
  }

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
    const belowMinimum = new PlanRefusal("45110", `less than the minimum amount ${m.minTradeUSDT}`);
    if (size.mul(executePrice ?? triggerPrice).lt(m.minTradeUSDT)) throw belowMinimum;
    // A market buy spends its size in the quote coin, as a plain market buy does.
    const quoteSized = orderType === "market" && side === "buy";
    let order: SpotOrder;
    try {
      order = this.desk.place(this.key, {
        market: m.symbol,
        side,
        type: orderType,
        ...(quoteSized ? { quoteQty: str(size) } : { qty: str(size) }),
        price: executePrice ? str(executePrice) : undefined,
        trigger: { price: str(triggerPrice), checkFunds: false },
      });
    } catch (error) {
      if (!(error instanceof SpotRefusal)) throw error;
      throw error.kind === "below_minimum" || error.kind === "below_notional" ? belowMinimum : new PlanRefusal("40017", `Parameter verification failed: ${error.message}`);
    }
    this.meta.set(order.id, { clientOid, triggerType: String(p.triggerType) });
    return { orderId: planId(order), clientOid };
  }

  cancel(p: Record<string, unknown>) {
    const plan = this.deskPlans().find((o) => (p.orderId ? planId(o) === p.orderId : Boolean(p.clientOid) && this.meta.get(o.id)?.clientOid === p.clientOid));
    if (!plan || plan.status !== "waiting") throw new PlanRefusal("43025", "Plan order does not exist");
    this.desk.cancel(this.key, plan.market, { id: plan.id });
    return { result: "success" };
  }

  cancelSymbols(p: Record<string, unknown>) {
    const symbols = Array.isArray(p.symbolList) ? p.symbolList.map(String) : [];
    const live = this.deskPlans().filter((o) => o.status === "waiting" && (symbols.length === 0 || symbols.includes(o.market)));
    for (const o of live) this.desk.cancel(this.key, o.market, { id: o.id });
    return { successList: live.map((o) => ({ orderId: planId(o), clientOid: this.meta.get(o.id)?.clientOid ?? "" })), failureList: [] };
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

  private deskPlans(): SpotOrder[] {
    return this.desk.account(this.key).orders.filter((o) => o.trigger !== null);
  }

  private view(o: SpotOrder): BitgetSimPlan {
    const trigger = o.trigger!;
    const meta = this.meta.get(o.id);
    return {
      orderId: planId(o),
      clientOid: meta?.clientOid ?? "",
      symbol: o.market,
      side: o.side,
      orderType: o.type,
      size: o.quoteQty ?? o.qty,
      executePrice: o.type === "limit" ? o.price : null,
      triggerPrice: trigger.price,
      triggerType: meta?.triggerType ?? "fill_price",
      upward: trigger.direction === "rise",
      status: planStatus(o),
      subOrderId: placedByPlan(o) ? o.id : "",
      cTime: o.createdAt,
      uTime: trigger.firedAt ?? o.updatedAt,
    };
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
