import Decimal from "decimal.js";

/**
 * The venue-neutral core of a spot simulator: balances per coin (free and locked) of accounts keyed by a
 * string, market and limit orders under a client id, conditional orders, fills with their fee. Each
 * venue's protocol layer (Bybit spot; OKX and Bitget to follow) maps requests onto it and its refusals,
 * statuses and answer shapes onto the venue's. Market orders fill whole at the last price (a market buy
 * may be sized by what it spends); limit orders lock what they may spend and rest until `setPrice`
 * crosses them, then fill as makers; conditional orders wait, locking nothing, and are placed when the
 * last price crosses their trigger. The fee is taken in the coin received unless a fee hook says otherwise.
 *
 * Opt-in extras, none of which changes anything when unused (Binance's layer uses them all): book depth per
 * market that market and marketable orders walk (`setDepth`), resting orders filled a part at a time
 * (`setFillRatio`, `fillResting`), IOC / FOK and post-only limits, conditional orders that hold their funds
 * while they wait (`trigger.reserve`), and one-cancels-other groups sharing one reserve (`placeGroup`).
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
  /** A conditional order: waits until the last price rises or falls to `price`; `reserve`: its funds are held while it waits. */
  trigger: { price: Decimal; direction: "rise" | "fall"; lastAtCreation: Decimal; firedAt: number | null; reserve?: boolean } | null;
  createdAt: number;
  updatedAt: number;
  // Opt-in extras, present only when asked for (see SpotPlaceRequest and placeGroup).
  timeInForce?: SpotTimeInForce;
  postOnly?: boolean;
  /** A buy's quote held per unit of base, when it is not the limit price (a reserving market trigger, a group). */
  lockPrice?: Decimal;
  /** The one-cancels-other group the order is a leg of. */
  group?: string;
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

/** GTC rests; IOC fills what it can at once and expires the rest; FOK fills whole at once or expires. */
export type SpotTimeInForce = "GTC" | "IOC" | "FOK";

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
  trigger?: { price: string; direction?: "rise" | "fall"; checkFunds?: boolean; reserve?: boolean };
  /** Opt-in: a limit order's time in force (GTC when absent). */
  timeInForce?: SpotTimeInForce;
  /** Opt-in: a limit order that never takes; one that would take when placed expires instead. */
  postOnly?: boolean;
}

export interface DepthLevel {
  price: string;
  qty: string;
}

/**
 * Opt-in book depth for a market (`setDepth`): either explicit levels per side, consumed by the fills that
 * take them and left alone by price moves (a side left out is "unlimited at the last price", an empty list
 * is "no liquidity"), or a ladder rebuilt around the last price for each order: `levels` levels of
 * `qtyPerLevel` every `tick` (the market's tick size by default), asks up from the last price, bids down.
 */
export type DepthSpec = { bids?: DepthLevel[]; asks?: DepthLevel[] } | { qtyPerLevel: string; levels?: number; tick?: string };

type Level = { price: Decimal; qty: Decimal };
type Depth = { kind: "book"; bids?: Level[]; asks?: Level[] } | { kind: "ladder"; qty: Decimal; levels: number; tick?: Decimal };
type PlannedFill = { price: Decimal; qty: Decimal; level?: Level };

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
  /** Opt-in per market (`setFillRatio`): the part of a resting order each crossing price move fills. */
  readonly fillRatios = new Map<string, Decimal>();
  private readonly depth = new Map<string, Depth>();
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
    this.depth.clear();
    this.fillRatios.clear();
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
    const reserve = r.trigger?.reserve === true;
    // A reserving conditional market order is valued, and a buy's funds held, at its trigger price.
    const valuedAt = r.type === "limit" ? price : reserve ? new Decimal(r.trigger!.price) : last;
    if ((quoteQty ?? qty.mul(valuedAt)).lt(m.minNotional)) throw new SpotRefusal("below_notional", `Order value is below the minimum ${m.minNotional}`);
    const triggerPrice = r.trigger ? new Decimal(r.trigger.price) : null;
    if (triggerPrice && (triggerPrice.lte(0) || !triggerPrice.mod(m.tickSize).isZero())) throw new SpotRefusal("bad_price", `Trigger price must be a multiple of ${m.tickSize}`);
    const coin = r.side === "buy" ? m.quote : m.base;
    const funds = this.balance(key, coin);
    const need = reserve
      ? r.side === "buy" ? qty.mul(valuedAt) : qty
      : r.type === "market" && !r.trigger && !quoteQty && r.side === "buy" && this.depth.has(m.id)
        ? this.plan(m.id, "buy", qty).reduce((sum, f) => sum.add(f.qty.mul(f.price)), new Decimal(0))
        : this.need(r.side, r.type, qty, price, quoteQty, last);
    if (r.trigger?.checkFunds !== false && funds.free.lt(need)) {
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
    if (r.timeInForce) order.timeInForce = r.timeInForce;
    if (r.postOnly) order.postOnly = true;
    if (reserve) {
      order.trigger!.reserve = true;
      if (r.side === "buy" && r.type === "market") order.lockPrice = valuedAt;
      this.hold(funds, order, need);
    }
    acc.orders.push(order);
    if (!order.trigger) this.activate(key, order, last);
    return order;
  }

  /**
   * Opt-in: one-cancels-other legs (same market, side and quantity) sharing one reserve: the quantity for a
   * sell, the quantity at the highest leg price (limit or trigger) for a buy. When a leg fires or starts to
   * fill, the other legs expire and it takes the reserve; canceling a leg cancels the group. Conditional
   * legs wait as reserving triggers.
   */
  placeGroup(key: string, legs: SpotPlaceRequest[], group: string): SpotOrder[] {
    const first = legs[0];
    if (!first || legs.some((l) => l.market !== first.market || l.side !== first.side || l.qty !== first.qty || l.quoteQty !== undefined)) {
      throw new Error("the legs of a group share market, side and quantity");
    }
    const m = this.market(first.market);
    const acc = this.account(key);
    const ids = legs.map((l) => l.clientId ?? "").filter(Boolean);
    if (new Set(ids).size !== ids.length || acc.orders.some((o) => ids.includes(o.clientId) && (this.uniqueClientIds === "always" || isLive(o)))) {
      throw new SpotRefusal("duplicate_client_id", "Duplicate client order id");
    }
    const qty = new Decimal(first.qty ?? "0");
    if (qty.lte(0) || qty.lt(m.minQty)) throw new SpotRefusal("below_minimum", `Quantity is below the minimum ${m.minQty}`);
    if (!qty.mod(m.lotSize).isZero()) throw new SpotRefusal("bad_size", `Quantity must be a multiple of ${m.lotSize}`);
    const prices = legs.map((l) => new Decimal(l.type === "limit" ? (l.price ?? "0") : (l.trigger?.price ?? "0")));
    for (const [i, l] of legs.entries()) {
      for (const p of [l.type === "limit" ? l.price : undefined, l.trigger?.price]) {
        if (p !== undefined && (new Decimal(p).lte(0) || !new Decimal(p).mod(m.tickSize).isZero())) throw new SpotRefusal("bad_price", `Price must be a multiple of ${m.tickSize}`);
      }
      if (prices[i]!.lte(0)) throw new SpotRefusal("bad_price", "A leg needs a limit or a trigger price");
      if (qty.mul(prices[i]!).lt(m.minNotional)) throw new SpotRefusal("below_notional", `Order value is below the minimum ${m.minNotional}`);
    }
    const lockPrice = first.side === "buy" ? Decimal.max(...prices) : undefined;
    const need = lockPrice ? qty.mul(lockPrice) : qty;
    const coin = first.side === "buy" ? m.quote : m.base;
    const funds = this.balance(key, coin);
    if (funds.free.lt(need)) throw new SpotRefusal("insufficient", `Insufficient ${coin} balance`, coin);
    const last = this.prices.get(m.id)!;
    const now = Date.now();
    const orders = legs.map((l, i): SpotOrder => {
      const trigger = l.trigger ? new Decimal(l.trigger.price) : null;
      const order: SpotOrder = {
        id: this.newId(),
        clientId: l.clientId ?? "",
        market: m.id,
        side: l.side,
        type: l.type,
        price: l.type === "limit" ? new Decimal(l.price!) : new Decimal(0),
        qty,
        quoteQty: null,
        filled: new Decimal(0),
        filledQuote: new Decimal(0),
        fees: new Map(),
        locked: new Decimal(0),
        status: trigger ? "waiting" : "open",
        trigger: trigger ? { price: trigger, direction: l.trigger!.direction ?? (trigger.gt(last) ? "rise" : "fall"), lastAtCreation: last, firedAt: null, reserve: true } : null,
        createdAt: now,
        updatedAt: now,
        group,
      };
      if (l.timeInForce) order.timeInForce = l.timeInForce;
      if (l.postOnly) order.postOnly = true;
      if (lockPrice) order.lockPrice = lockPrice;
      if (i === 0) this.hold(funds, order, need);
      return order;
    });
    acc.orders.push(...orders);
    for (const o of orders) if (o.status === "open") this.activate(key, o, last);
    return orders;
  }

  /**
   * Moves the last price: fills the resting limit orders it crosses (at their price, as makers; whole, or
   * `fillRatio` of their quantity, see `setFillRatio`), then fires crossed triggers.
   */
  setPrice(market: string, price: string, opts: { fillRatio?: string | number } = {}) {
    const p = new Decimal(price);
    this.prices.set(market, p);
    const ratio = opts.fillRatio !== undefined ? ratioOf(opts.fillRatio) : this.fillRatios.get(market);
    for (const [key, acc] of this.accounts) {
      for (const o of [...acc.orders]) {
        if (o.market !== market || o.status !== "open" || o.type !== "limit") continue;
        if (o.side === "buy" ? p.lte(o.price) : p.gte(o.price)) this.fill(key, o, o.price, true, this.restingQty(o, ratio));
      }
      for (const o of [...acc.orders]) {
        if (o.market !== market || o.status !== "waiting" || !o.trigger) continue;
        if (o.trigger.direction === "rise" ? p.gte(o.trigger.price) : p.lte(o.trigger.price)) this.fire(key, o, p);
      }
    }
  }

  /**
   * Opt-in: resting limit orders on `market` fill `ratio` (0 < ratio <= 1) of their quantity, rounded down
   * to the lot (at least one lot), each time the price crosses them. `null` goes back to whole fills.
   */
  setFillRatio(market: string, ratio: string | number | null) {
    if (ratio === null) this.fillRatios.delete(market);
    else this.fillRatios.set(market, ratioOf(ratio));
  }

  /** Opt-in: gives `market` a book that market (and marketable) orders walk; `null` goes back to "unlimited at the last price". */
  setDepth(market: string, spec: DepthSpec | null) {
    if (!spec) {
      this.depth.delete(market);
      return;
    }
    if ("qtyPerLevel" in spec) {
      this.depth.set(market, { kind: "ladder", qty: new Decimal(spec.qtyPerLevel), levels: spec.levels ?? 5, tick: spec.tick ? new Decimal(spec.tick) : undefined });
      return;
    }
    const levels = (list: DepthLevel[] | undefined, desc: boolean) =>
      list
        ?.map((l) => ({ price: new Decimal(l.price), qty: new Decimal(l.qty) }))
        .filter((l) => l.qty.gt(0))
        .sort((a, b) => (desc ? b.price.comparedTo(a.price) : a.price.comparedTo(b.price)));
    this.depth.set(market, { kind: "book", bids: levels(spec.bids, true), asks: levels(spec.asks, false) });
  }

  /** What is left of the book (the ladder as it stands at the last price); null without depth. */
  depthOf(market: string): { bids?: DepthLevel[]; asks?: DepthLevel[] } | null {
    if (!this.depth.has(market)) return null;
    const out = (levels: Level[] | undefined) => levels?.map((l) => ({ price: l.price.toFixed(), qty: l.qty.toFixed() }));
    const last = this.prices.get(market) ?? new Decimal(0);
    return { bids: out(this.levels(market, "sell", last)), asks: out(this.levels(market, "buy", last)) };
  }

  /** Opt-in: the book fills `qty` of a live order at its limit price (or `price`), as a maker, at `at` (now by default). */
  fillResting(key: string, order: SpotOrder, qty: string, opts: { price?: string; at?: number } = {}) {
    const q = new Decimal(qty);
    if (!isLive(order) || q.lte(0) || q.gt(order.qty.sub(order.filled))) throw new Error(`cannot fill ${qty} of order ${order.id}`);
    this.fill(key, order, new Decimal(opts.price ?? order.price), true, q, opts.at);
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
    if (order.group) {
      for (const leg of this.account(key).orders) if (leg.group === order.group && isLive(leg)) this.release(key, leg);
    } else {
      this.release(key, order);
    }
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
    if (order.type === "market") return this.take(key, order);
    const m = this.market(order.market);
    // A group leg or a reserving trigger holds its funds already.
    if (!order.group && !order.trigger?.reserve) {
      const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
      this.hold(funds, order, this.need(order.side, "limit", order.qty, order.price, null, last));
    }
    if (order.side === "buy" ? last.lte(order.price) : last.gte(order.price)) {
      if (order.postOnly) this.release(key, order, "expired");
      else this.take(key, order, order.price);
    } else if (order.timeInForce === "IOC" || order.timeInForce === "FOK") {
      this.release(key, order, "expired");
    }
  }

  private hold(funds: SpotBalance, order: SpotOrder, amount: Decimal) {
    funds.free = funds.free.sub(amount);
    funds.locked = funds.locked.add(amount);
    order.locked = order.locked.add(amount);
  }

  /** The book levels an order on `side` takes (asks for a buy, bids for a sell); undefined = unlimited at the last price. */
  private levels(market: string, side: "buy" | "sell", last: Decimal): Level[] | undefined {
    const depth = this.depth.get(market);
    if (!depth) return undefined;
    if (depth.kind === "book") return side === "buy" ? depth.asks : depth.bids;
    const tick = depth.tick ?? new Decimal(this.market(market).tickSize);
    const out: Level[] = [];
    for (let i = 0; i < depth.levels; i++) {
      const price = side === "buy" ? last.add(tick.mul(i)) : last.sub(tick.mul(i));
      if (price.lte(0)) break;
      out.push({ price, qty: depth.qty });
    }
    return out;
  }

  /** The fills taking liquidity would get now: one per book level, best first, within `limit`. */
  private plan(market: string, side: "buy" | "sell", qty: Decimal, limit?: Decimal): PlannedFill[] {
    const last = this.prices.get(market)!;
    const within = (price: Decimal) => !limit || (side === "buy" ? price.lte(limit) : price.gte(limit));
    const levels = this.levels(market, side, last);
    if (!levels) return within(last) && qty.gt(0) ? [{ price: last, qty }] : [];
    const out: PlannedFill[] = [];
    let left = qty;
    for (const level of levels) {
      if (left.lte(0) || !within(level.price)) break;
      const take = Decimal.min(left, level.qty);
      if (take.lte(0)) continue;
      out.push({ price: level.price, qty: take, level });
      left = left.sub(take);
    }
    return out;
  }

  /** Takes liquidity for the rest of the order (up to `limit`); what cannot fill expires for market, IOC and FOK orders. */
  private take(key: string, order: SpotOrder, limit?: Decimal) {
    const remaining = order.qty.sub(order.filled);
    const plan = this.plan(order.market, order.side, remaining, limit);
    const total = plan.reduce((sum, f) => sum.add(f.qty), new Decimal(0));
    if (order.timeInForce === "FOK" && total.lt(remaining)) return this.release(key, order, "expired");
    const depth = this.depth.get(order.market);
    for (const f of plan) {
      if (f.level && depth?.kind === "book") {
        f.level.qty = f.level.qty.sub(f.qty);
        if (depth.asks) depth.asks = depth.asks.filter((l) => l.qty.gt(0));
        if (depth.bids) depth.bids = depth.bids.filter((l) => l.qty.gt(0));
      }
      this.fill(key, order, f.price, false, f.qty);
    }
    if (order.filled.lt(order.qty) && (order.type === "market" || order.timeInForce === "IOC" || order.timeInForce === "FOK")) this.release(key, order, "expired");
  }

  private restingQty(order: SpotOrder, ratio: Decimal | undefined): Decimal {
    const remaining = order.qty.sub(order.filled);
    if (!ratio || ratio.gte(1)) return remaining;
    const lot = new Decimal(this.market(order.market).lotSize);
    return Decimal.min(Decimal.max(order.qty.mul(ratio).div(lot).floor().mul(lot), lot), remaining);
  }

  /** A group leg fired or started to fill: the other live legs expire and it takes over the group's reserve. */
  private claimGroup(key: string, order: SpotOrder) {
    for (const leg of this.account(key).orders) {
      if (leg === order || leg.group !== order.group || !isLive(leg)) continue;
      if (leg.locked.gt(0)) {
        order.locked = order.locked.add(leg.locked);
        leg.locked = new Decimal(0);
        if (leg.lockPrice) order.lockPrice = leg.lockPrice;
      }
      leg.status = "expired";
      leg.updatedAt = Date.now();
    }
  }

  /** A conditional order whose trigger the price crossed: placed now, or rejected when the coins are not there. */
  private fire(key: string, order: SpotOrder, last: Decimal) {
    const m = this.market(order.market);
    const now = Date.now();
    order.trigger!.firedAt = now;
    order.updatedAt = now;
    if (order.group) this.claimGroup(key, order);
    if (!order.trigger!.reserve) {
      if (order.quoteQty) order.qty = this.costQty(m, order.quoteQty, last);
      const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
      if (funds.free.lt(this.need(order.side, order.type, order.qty, order.price, order.quoteQty, last)) || order.qty.lte(0)) {
        order.status = "rejected";
        return;
      }
    }
    this.activate(key, order, last);
  }

  /** Fills `qty` (the rest by default) at `price` (at `at`, now by default); what the order holds for that part is released. */
  private fill(key: string, order: SpotOrder, price: Decimal, maker: boolean, qty = order.qty.sub(order.filled), at?: number) {
    if (order.group) this.claimGroup(key, order);
    const m = this.market(order.market);
    const value = qty.mul(price);
    const base = this.balance(key, m.base);
    const quote = this.balance(key, m.quote);
    // Limit orders, and reserving triggers or group legs that run as market orders, hold what they spend.
    const holds = order.type === "limit" || order.locked.gt(0);
    if (order.side === "buy") {
      if (holds) {
        const reserved = qty.mul(order.lockPrice ?? order.price);
        quote.locked = quote.locked.sub(reserved);
        quote.free = quote.free.add(reserved).sub(value);
        order.locked = order.locked.sub(reserved);
      } else {
        quote.free = quote.free.sub(value);
      }
      base.free = base.free.add(qty);
    } else {
      if (holds) {
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
    const now = at ?? Date.now();
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

  /** Ends a live order: what it still holds goes back; a waiting one is deactivated. */
  private release(key: string, order: SpotOrder, end: "canceled" | "expired" = "canceled") {
    order.updatedAt = Date.now();
    const waiting = order.status === "waiting";
    if (!waiting || order.locked.gt(0)) {
      const m = this.market(order.market);
      const funds = this.balance(key, order.side === "buy" ? m.quote : m.base);
      funds.locked = funds.locked.sub(order.locked);
      funds.free = funds.free.add(order.locked);
      order.locked = new Decimal(0);
    }
    order.status = waiting ? "deactivated" : end;
  }
}

function ratioOf(value: string | number) {
  const ratio = new Decimal(value);
  if (ratio.lte(0) || ratio.gt(1)) throw new Error(`fill ratio must be in (0, 1], got ${value}`);
  return ratio;
}
