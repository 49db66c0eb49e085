import Decimal from "decimal.js";

/**
 * The venue-neutral core of a spot simulator: balances per coin (free and locked) of accounts keyed by a
 * string, market and limit orders under a client id, conditional orders, fills with their fee. Each
 * venue's protocol layer (Bybit spot; OKX and Bitget to follow) maps requests onto it and its refusals,
 * statuses and answer shapes onto the venue's. Market orders fill whole at the last price (a market buy
 * may be sized by what it spends); limit orders lock what they may spend and rest until `setPrice`
 * crosses them, then fill as makers; conditional orders wait, locking nothing, and are placed when the
 * last price crosses their trigger. The fee is taken in the coin received unless a fee hook says otherwise.
 */

export interface SpotMarket {
  /** The venue's symbol (BTCUSDT, BTC-USDT). */
  id: string;
  base: string;
  quote: string;
  tickSize: string;
  /** Quantity step and minimum, in the base coin. */
  lotSize: string;
  minQty: string;
  /** Minimum order value, in the quote coin. */
  minNotional: string;
  price: string;
}

export type SpotRefusalKind =
  | "unknown_market"
  | "duplicate_client_id"
  | "insufficient"
  | "not_found"
  | "finished"
  | "bad_size"
  | "bad_price"
  | "below_minimum"
  | "below_notional";

export class SpotRefusal extends Error {
  constructor(
    public readonly kind: SpotRefusalKind,
    message: string,
    /** The coin that is short, for `insufficient`. */
    public readonly coin?: string,
  ) {
    super(message);
  }
}

/** `waiting` / `deactivated`: a conditional order before it fired, or canceled before it did. */
export type SpotStatus = "open" | "filled" | "canceled" | "rejected" | "expired" | "waiting" | "deactivated";

export interface SpotBalance {
  free: Decimal;
  locked: Decimal;
}

export interface SpotOrder {
  id: string;
  clientId: string;
  market: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  /** The limit price; 0 for a market order. */
  price: Decimal;
  /** Base quantity; for a market buy by cost, what its quote buys at the last price, rounded down to the lot. */
  qty: Decimal;
  /** A market buy by cost: the quote coin it spends. */
  quoteQty: Decimal | null;
  filled: Decimal;
  filledQuote: Decimal;
  fees: Map<string, Decimal>;
  /** Still reserved for the order: quote for a buy, base for a sell. */
  locked: Decimal;
  status: SpotStatus;
  /** A conditional order: waits until the last price rises or falls to `price`. */
  trigger: { price: Decimal; direction: "rise" | "fall"; lastAtCreation: Decimal; firedAt: number | null } | null;
  createdAt: number;
  updatedAt: number;
}

export interface SpotFill {
  id: string;
  orderId: string;
  clientId: string;
  market: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  price: Decimal;
  qty: Decimal;
  fee: Decimal;
  feeCoin: string;
  maker: boolean;
  time: number;
}

export interface SpotAccount {
  balances: Map<string, SpotBalance>;
  orders: SpotOrder[];
  fills: SpotFill[];
}

export interface SpotPlaceRequest {
  market: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  /** Base quantity; a market buy may give `quoteQty` instead. */
  qty?: string;
  quoteQty?: string;
  price?: string;
  clientId?: string;
  /**
   * A conditional order. `direction` defaults to rise when the trigger is above the last price. Its funds
   * are checked when placed (unless `checkFunds` is false) and again when it fires; it is `rejected` then
   * if they are not there.
   */
  trigger?: { price: string; direction?: "rise" | "fall"; checkFunds?: boolean };
}

export interface SpotFeeContext {
  account: string;
  order: SpotOrder;
  market: SpotMarket;
  qty: Decimal;
  price: Decimal;
  maker: boolean;
  /** The desk's maker or taker rate. */
  rate: Decimal;
}

/** What a fill costs and in which coin; taken from that coin's free balance. */
export type SpotFeeHook = (c: SpotFeeContext) => { amount: Decimal; coin: string };

export interface SpotDeskOptions {
  takerRate?: string;
  makerRate?: string;
  fee?: SpotFeeHook;
  /** Fill ids; the order id generator when absent. */
  fillId?: () => string;
  /** "always": a client id is never reused (Bybit, Bitget); "live": only among open and waiting orders (OKX). */
  uniqueClientIds?: "always" | "live";
}

export interface SpotOrderFilter {
  market?: string;
  id?: string;
  clientId?: string;
  statuses?: readonly SpotStatus[];
  /** true: conditional orders only (fired or not); false: plain orders only. */
  conditional?: boolean;
}

export interface SpotFillFilter {
  market?: string;
  orderId?: string;
  clientId?: string;
}

export const LIVE: readonly SpotStatus[] = ["open", "waiting"];
const isLive = (o: SpotOrder) => LIVE.includes(o.status);

/** The fee in the coin received: base on a buy, quote on a sell. */
export const feeInReceived: SpotFeeHook = ({ order, market, qty, price, rate }) =>
  order.side === "buy" ? { amount: qty.mul(rate), coin: market.base } : { amount: qty.mul(price).mul(rate), coin: market.quote };

export class SpotDesk {
  readonly markets = new Map<string, SpotMarket>();
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, SpotAccount>();
  private readonly takerRate: Decimal;
  private readonly makerRate: Decimal;
  private readonly feeOf: SpotFeeHook;
  private readonly fillId: () => string;
  private readonly uniqueClientIds: "always" | "live";

  constructor(
    markets: SpotMarket[],
    private readonly newId: () => string,
    options: SpotDeskOptions = {},
  ) {
    for (const m of markets) this.markets.set(m.id, m);
    this.takerRate = new Decimal(options.takerRate ?? "0.001");
    this.makerRate = new Decimal(options.makerRate ?? "0.001");
    this.feeOf = options.fee ?? feeInReceived;
    this.fillId = options.fillId ?? newId;
    this.uniqueClientIds = options.uniqueClientIds ?? "always";
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const m of this.markets.values()) this.prices.set(m.id, new Decimal(m.price));
    this.accounts.clear();
  }

  market(id: unknown): SpotMarket {
    const m = typeof id === "string" ? this.markets.get(id) : undefined;
    if (!m) throw new SpotRefusal("unknown_market", `Unknown symbol ${String(id)}`);
    return m;
  }

  account(key: string): SpotAccount {
    let a = this.accounts.get(key);
    if (!a) this.accounts.set(key, (a = { balances: new Map(), orders: [], fills: [] }));
    return a;
  }

  /** The coin's balance, created empty on first use; mutable. */
  balance(key: string, coin: string): SpotBalance {
    const balances = this.account(key).balances;
    let b = balances.get(coin);
    if (!b) balances.set(coin, (b = { free: new Decimal(0), locked: new Decimal(0) }));
    return b;
  }

  setBalance(key: string, coin: string, free: string, locked = "0") {
    this.account(key).balances.set(coin, { free: new Decimal(free), locked: new Decimal(locked) });
  }

  /** Adds to (or, negative, takes from) the free balance. */
  credit(key: string, coin: string, amount: string) {
    const b = this.balance(key, coin);
    b.free = b.free.add(amount);
  }

  place(key: string, r: SpotPlaceRequest): SpotOrder {
    const m = this.market(r.market);
    const acc = this.account(key);
    const clientId = r.clientId ?? "";
    if (clientId && acc.orders.some((o) => o.clientId === clientId && (this.uniqueClientIds === "always" || isLive(o)))) {
      throw new SpotRefusal("duplicate_client_id", "Duplicate client order id");
    }
    const last = this.prices.get(m.id)!;
    const quoteQty = r.type === "market" && r.side === "buy" && r.quoteQty !== undefined ? new Decimal(r.quoteQty) : null;
    if (quoteQty?.lte(0)) throw new SpotRefusal("bad_size", "The amount to spend must be positive");
    const qty = quoteQty ? this.costQty(m, quoteQty, last) : new Decimal(r.qty ?? "0");
    if (qty.lte(0) || qty.lt(m.minQty)) throw new SpotRefusal("below_minimum", `Quantity is below the minimum ${m.minQty}`);
    if (!quoteQty && !qty.mod(m.lotSize).isZero()) throw new SpotRefusal("bad_size", `Quantity must be a multiple of ${m.lotSize}`);
    const price = r.type === "limit" ? new Decimal(r.price ?? "0") : new Decimal(0);
    if (r.type === "limit" && (price.lte(0) || !price.mod(m.tickSize).isZero())) throw new SpotRefusal("bad_price", `Price must be a multiple of ${m.tickSize}`);
    if ((quoteQty ?? qty.mul(r.type === "limit" ? price : last)).lt(m.minNotional)) throw new SpotRefusal("below_notional", `Order value is below the minimum ${m.minNotional}`);
    const triggerPrice = r.trigger ? new Decimal(r.trigger.price) : null;
    if (triggerPrice && (triggerPrice.lte(0) || !triggerPrice.mod(m.tickSize).isZero())) throw new SpotRefusal("bad_price", `Trigger price must be a multiple of ${m.tickSize}`);
    const coin = r.side === "buy" ? m.quote : m.base;
    const funds = this.balance(key, coin);
    if (r.trigger?.checkFunds !== false && funds.free.lt(this.need(r.side, r.type, qty, price, quoteQty, last))) {
      throw new SpotRefusal("insufficient", `Insufficient ${coin} balance`, coin);
    }
    const now = Date.now();
    const order: SpotOrder = {
      id: this.newId(),
      clientId,
      market: m.id,
      side: r.side,
      type: r.type,
      price,
      qty,
      quoteQty,
      filled: new Decimal(0),
      filledQuote: new Decimal(0),
      fees: new Map(),
      locked: new Decimal(0),
      status: "waiting",
      trigger: triggerPrice ? { price: triggerPrice, direction: r.trigger!.direction ?? (triggerPrice.gt(last) ? "rise" : "fall"), lastAtCreation: last, firedAt: null } : null,
      createdAt: now,
      updatedAt: now,
    };
    acc.orders.push(order);
    if (!order.trigger) this.activate(key, order, last);
    return order;
  }

  /** Moves the last price: fills the resting limit orders it crosses (at their price, as makers), then fires crossed triggers. */
  setPrice(market: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(market, p);
    for (const [key, acc] of this.accounts) {
      for (const o of [...acc.orders]) {
        if (o.market !== market || o.status !== "open" || o.type !== "limit") continue;
        if (o.side === "buy" ? p.lte(o.price) : p.gte(o.price)) this.fill(key, o, o.price, true);
      }
      for (const o of [...acc.orders]) {
        if (o.market !== market || o.status !== "waiting" || !o.trigger) continue;
        if (o.trigger.direction === "rise" ? p.gte(o.trigger.price) : p.lte(o.trigger.price)) this.fire(key, o, p);
      }
    }
  }

  /** The latest order matching the id (or, without one, the client id). */
  find(key: string, market: string | undefined, by: { id?: string; clientId?: string }): SpotOrder | undefined {
    return this.account(key)
      .orders.filter((o) => (!market || o.market === market) && (by.id ? o.id === by.id : Boolean(by.clientId) && o.clientId === by.clientId))
      .at(-1);
  }

  /** Cancels an open order (its lock released) or a waiting one (deactivated). */
  cancel(key: string, market: string, by: { id?: string; clientId?: string }): SpotOrder {
    this.market(market);
    const order = this.find(key, market, by);
    if (!order) throw new SpotRefusal("not_found", "Order does not exist");
    if (!isLive(order)) throw new SpotRefusal("finished", "Order is already filled or canceled");
    this.release(key, order);
    return order;
  }

  /** Cancels every open or waiting order the filter matches (in the market, when given); answers them. */
  cancelAll(key: string, market: string | undefined, filter: SpotOrderFilter = {}): SpotOrder[] {
    const live = this.select(key, { ...filter, market }).filter(isLive);
    for (const o of live) this.release(key, o);
    return live;
  }

  /** Newest first. */
  orders(key: string, filter: SpotOrderFilter = {}): SpotOrder[] {
    return this.select(key, filter).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Newest first. */
  fills(key: string, filter: SpotFillFilter = {}): SpotFill[] {
    return this.account(key)
      .fills.filter((f) => (!filter.market || f.market === filter.market) && (!filter.orderId || f.orderId === filter.orderId) && (!filter.clientId || f.clientId === filter.clientId))
      .sort((a, b) => b.time - a.time);
  }

  // ---------------------------------------------------------------------------------------------

  private select(key: string, f: SpotOrderFilter): SpotOrder[] {
    return this.account(key).orders.filter(
      (o) =>
        (!f.market || o.market === f.market) &&
        (!f.id || o.id === f.id) &&
        (!f.clientId || o.clientId === f.clientId) &&
        (!f.statuses || f.statuses.includes(o.status)) &&
        (f.conditional === undefined || Boolean(o.trigger) === f.conditional),
    );
  }

  /** What a quote amount buys at `price`, rounded down to the lot. */
  private costQty(m: SpotMarket, quote: Decimal, price: Decimal): Decimal {
    return quote.div(price).div(m.lotSize).floor().mul(m.lotSize);
  }

  /** What must be free: quote for a buy (at the limit, the last price, or the amount to spend), base for a sell. */
  private need(side: "buy" | "sell", type: "market" | "limit", qty: Decimal, price: Decimal, quoteQty: Decimal | null, last: Decimal): Decimal {
    if (side === "sell") return qty;
    return type === "limit" ? qty.mul(price) : (quoteQty ?? qty.mul(last));
  }

  /** Puts an order on the book: a market order fills now; a limit order locks its funds and fills now if marketable. */
  private activate(key: string, order: SpotOrder, last: Decimal) {
    order.status = "open";
    if (order.type === "market") return this.fill(key, order, last, false);
    const m = this.market(order.market);
    const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
    const need = this.need(order.side, "limit", order.qty, order.price, null, last);
    funds.free = funds.free.sub(need);
    funds.locked = funds.locked.add(need);
    order.locked = need;
    if (order.side === "buy" ? last.lte(order.price) : last.gte(order.price)) this.fill(key, order, last, false);
  }

  /** A conditional order whose trigger the price crossed: placed now, or rejected when the coins are not there. */
  private fire(key: string, order: SpotOrder, last: Decimal) {
    const m = this.market(order.market);
    const now = Date.now();
    order.trigger!.firedAt = now;
    order.updatedAt = now;
    if (order.quoteQty) order.qty = this.costQty(m, order.quoteQty, last);
    const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
    if (funds.free.lt(this.need(order.side, order.type, order.qty, order.price, order.quoteQty, last)) || order.qty.lte(0)) {
      order.status = "rejected";
      return;
    }
    this.activate(key, order, last);
  }

  private fill(key: string, order: SpotOrder, price: Decimal, maker: boolean) {
    const m = this.market(order.market);
    const qty = order.qty.sub(order.filled);
    const value = qty.mul(price);
    const base = this.balance(key, m.base);
    const quote = this.balance(key, m.quote);
    if (order.side === "buy") {
      if (order.type === "limit") {
        const reserved = qty.mul(order.price);
        quote.locked = quote.locked.sub(reserved);
        quote.free = quote.free.add(reserved).sub(value);
        order.locked = order.locked.sub(reserved);
      } else {
        quote.free = quote.free.sub(value);
      }
      base.free = base.free.add(qty);
    } else {
      if (order.type === "limit") {
        base.locked = base.locked.sub(qty);
        order.locked = order.locked.sub(qty);
      } else {
        base.free = base.free.sub(qty);
      }
      quote.free = quote.free.add(value);
    }
    const fee = this.feeOf({ account: key, order, market: m, qty, price, maker, rate: maker ? this.makerRate : this.takerRate });
    const charged = this.balance(key, fee.coin);
    charged.free = charged.free.sub(fee.amount);
    const now = Date.now();
    order.filled = order.filled.add(qty);
    order.filledQuote = order.filledQuote.add(value);
    order.fees.set(fee.coin, (order.fees.get(fee.coin) ?? new Decimal(0)).add(fee.amount));
    order.status = order.type === "market" || order.filled.gte(order.qty) ? "filled" : "open";
    order.updatedAt = now;
    this.account(key).fills.push({
      id: this.fillId(),
      orderId: order.id,
      clientId: order.clientId,
      market: m.id,
      side: order.side,
      type: order.type,
      price,
      qty,
      fee: fee.amount,
      feeCoin: fee.coin,
      maker,
      time: now,
    });
  }

  private release(key: string, order: SpotOrder) {
    order.updatedAt = Date.now();
    if (order.status === "waiting") {
      order.status = "deactivated";
      return;
    }
    const m = this.market(order.market);
    const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
    funds.locked = funds.locked.sub(order.locked);
    funds.free = funds.free.add(order.locked);
    order.locked = new Decimal(0);
    order.status = "canceled";
  }
}
