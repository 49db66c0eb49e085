import Decimal from "decimal.js";

/**
 * The venue-neutral core of a USDT-perpetual simulator: one-way (net) positions counted in contracts,
 * leverage and margin mode per symbol, market and limit orders under a client id with `reduceOnly`, fills
 * with their fee and realized P&L, and funding bills. Each venue's protocol layer (OKX SWAP, Bybit linear,
 * Bitget USDT-FUTURES) maps requests onto it and its refusals onto the venue's codes. Market orders fill
 * whole at the last price; limit orders rest and fill when `setPrice` crosses them, as makers.
 */

export interface PerpMarket {
  /** The venue's instrument id (BTC-USDT-SWAP, BTCUSDT). */
  id: string;
  base: string;
  contractSize: string;
  /** Order size step and minimum, in contracts. */
  lotSize: string;
  minSize: string;
  tickSize: string;
  price: string;
}

export type PerpRefusalKind =
  | "unknown_market"
  | "duplicate_client_id"
  | "reduce_only"
  | "insufficient"
  | "not_found"
  | "finished"
  | "bad_size"
  | "bad_price"
  | "bad_leverage"
  | "position_open";

export class PerpRefusal extends Error {
  constructor(
    public readonly kind: PerpRefusalKind,
    message: string,
  ) {
    super(message);
  }
}

export interface PerpOrder {
  id: string;
  clientId: string;
  market: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  price: Decimal;
  /** Contracts. */
  qty: Decimal;
  filled: Decimal;
  /** Quote value of what filled (contracts × contract size × price). */
  value: Decimal;
  fee: Decimal;
  pnl: Decimal;
  reduceOnly: boolean;
  marginMode: "isolated" | "cross";
  leverage: number;
  /**
   * A conditional order (a venue's stop-loss / take-profit): it waits, reserving nothing, until the last
   * price rises to or falls to `price`, then executes as a market order. `fired` once that happened.
   */
  trigger: { price: Decimal; direction: "rise" | "fall"; fired: boolean } | null;
  /** A conditional order that closes whatever is held on the other side when it fires (`qty` is what it would close now). */
  closePosition: boolean;
  /** A conditional order the venue ends when the position it protects is closed (Binance's GTE_GTC). */
  endsWithPosition: boolean;
  status: "open" | "filled" | "canceled";
  /** Canceled by the venue itself (fired with nothing to reduce, or ended with its position), not on request. */
  expired: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PerpFill {
  id: string;
  orderId: string;
  clientId: string;
  market: string;
  side: "buy" | "sell";
  price: Decimal;
  qty: Decimal;
  fee: Decimal;
  pnl: Decimal;
  maker: boolean;
  time: number;
}

export interface PerpBill {
  id: string;
  market: string;
  amount: Decimal;
  time: number;
}

export interface PerpPosition {
  /** Signed contracts: positive long, negative short. */
  contracts: Decimal;
  entryPrice: Decimal;
  createdAt: number;
  updatedAt: number;
}

export interface PerpAccount {
  wallet: Decimal;
  settings: Map<string, { leverage: number; marginMode: "isolated" | "cross" }>;
  positions: Map<string, PerpPosition>;
  orders: PerpOrder[];
  fills: PerpFill[];
  bills: PerpBill[];
}

export interface PlaceRequest {
  market: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  qty: string;
  price?: string;
  clientId: string;
  reduceOnly: boolean;
  /** OKX sends the margin mode with each order (`tdMode`); the others use the symbol's setting. */
  marginMode?: "isolated" | "cross";
  /** A conditional market order (type "market"), fired when the last price crosses it this way. */
  trigger?: { price: string; direction: "rise" | "fall" };
  /** With a trigger: close the whole position when it fires (no size is sent; reduce-only by nature). */
  closePosition?: boolean;
  /** With a trigger: the venue ends it when the position becomes flat. */
  endsWithPosition?: boolean;
}

export interface PerpDeskOptions {
  takerRate?: string;
  makerRate?: string;
  wallet?: string;
  /** A symbol's leverage before the trader sets one. */
  defaultLeverage?: number;
  /** "all": a client id is refused if any order ever had it; "live": only while an order with it is open (Binance). */
  uniqueClientIds?: "all" | "live";
}

const isOpen = (o: PerpOrder) => o.status === "open";

export class PerpDesk {
  readonly markets = new Map<string, PerpMarket>();
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, PerpAccount>();

  private readonly takerRate: Decimal;
  private readonly makerRate: Decimal;
  private readonly wallet: string;
  private readonly defaultLeverage: number;
  private readonly uniqueClientIds: "all" | "live";

  constructor(
    markets: PerpMarket[],
    private readonly newId: () => string,
    options: PerpDeskOptions = {},
  ) {
    this.takerRate = new Decimal(options.takerRate ?? "0.0005");
    this.makerRate = new Decimal(options.makerRate ?? "0.0002");
    this.wallet = options.wallet ?? "10000";
    this.defaultLeverage = options.defaultLeverage ?? 10;
    this.uniqueClientIds = options.uniqueClientIds ?? "all";
    for (const m of markets) this.markets.set(m.id, m);
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const m of this.markets.values()) this.prices.set(m.id, new Decimal(m.price));
    this.accounts.clear();
  }

  market(id: unknown): PerpMarket {
    const m = typeof id === "string" ? this.markets.get(id) : undefined;
    if (!m) throw new PerpRefusal("unknown_market", `Unknown instrument ${String(id)}`);
    return m;
  }

  account(key: string): PerpAccount {
    let a = this.accounts.get(key);
    if (!a) {
      a = { wallet: new Decimal(this.wallet), settings: new Map(), positions: new Map(), orders: [], fills: [], bills: [] };
      this.accounts.set(key, a);
    }
    return a;
  }

  settings(key: string, market: string) {
    const acc = this.account(key);
    let s = acc.settings.get(market);
    if (!s) acc.settings.set(market, (s = { leverage: this.defaultLeverage, marginMode: "cross" }));
    return s;
  }

  position(key: string, market: string): PerpPosition {
    const acc = this.account(key);
    let p = acc.positions.get(market);
    if (!p) acc.positions.set(market, (p = { contracts: new Decimal(0), entryPrice: new Decimal(0), createdAt: Date.now(), updatedAt: Date.now() }));
    return p;
  }

  /** Margin held by open positions, at entry over leverage. */
  usedMargin(key: string): Decimal {
    const acc = this.account(key);
    let used = new Decimal(0);
    for (const [id, p] of acc.positions) {
      const cs = new Decimal(this.market(id).contractSize);
      used = used.add(p.contracts.abs().mul(cs).mul(p.entryPrice).div(this.settings(key, id).leverage));
    }
    return used;
  }

  unrealized(key: string, market: string): Decimal {
    const p = this.position(key, market);
    const cs = new Decimal(this.market(market).contractSize);
    return this.prices.get(market)!.sub(p.entryPrice).mul(p.contracts).mul(cs);
  }

  available(key: string): Decimal {
    return Decimal.max(this.account(key).wallet.sub(this.usedMargin(key)), 0);
  }

  setLeverage(key: string, market: string, leverage: number, marginMode?: "isolated" | "cross") {
    this.market(market);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) throw new PerpRefusal("bad_leverage", `Leverage ${leverage} is out of range`);
    const s = this.settings(key, market);
    if (marginMode && marginMode !== s.marginMode) this.setMarginMode(key, market, marginMode);
    s.leverage = leverage;
  }

  setMarginMode(key: string, market: string, mode: "isolated" | "cross") {
    this.market(market);
    const s = this.settings(key, market);
    if (s.marginMode === mode) return;
    if (!this.position(key, market).contracts.isZero()) throw new PerpRefusal("position_open", "The margin mode cannot change while a position is open");
    s.marginMode = mode;
  }

  place(key: string, r: PlaceRequest): PerpOrder {
    const m = this.market(r.market);
    const acc = this.account(key);
    const taken = (o: PerpOrder) => o.clientId === r.clientId && (this.uniqueClientIds === "all" || isOpen(o));
    if (r.clientId && acc.orders.some(taken)) throw new PerpRefusal("duplicate_client_id", "Duplicate client order id");
    const closePosition = Boolean(r.trigger && r.closePosition);
    const held = this.position(key, m.id).contracts;
    const sign = r.side === "buy" ? 1 : -1;
    const qty = closePosition ? (held.mul(sign).lt(0) ? held.abs() : new Decimal(0)) : new Decimal(r.qty);
    if (!closePosition && (qty.lte(0) || !qty.mod(m.lotSize).isZero())) throw new PerpRefusal("bad_size", `Size must be a multiple of ${m.lotSize}`);
    if (!closePosition && qty.lt(m.minSize)) throw new PerpRefusal("bad_size", `Size is below the minimum ${m.minSize}`);
    const price = r.type === "limit" ? new Decimal(r.price ?? "0") : new Decimal(0);
    if (r.type === "limit" && (price.lte(0) || !price.mod(m.tickSize).isZero())) throw new PerpRefusal("bad_price", `Price must be a multiple of ${m.tickSize}`);
    const settings = this.settings(key, m.id);
    if (r.marginMode && r.marginMode !== settings.marginMode) this.setMarginMode(key, m.id, r.marginMode);
    const trigger = r.trigger ? { price: new Decimal(r.trigger.price), direction: r.trigger.direction, fired: false } : null;
    if (trigger && (trigger.price.lte(0) || !trigger.price.mod(m.tickSize).isZero())) throw new PerpRefusal("bad_price", `Trigger price must be a multiple of ${m.tickSize}`);
    // A conditional reduce-only order is checked against the position when it fires, not now.
    if (r.reduceOnly && !trigger && (held.mul(sign).gte(0) || qty.gt(held.abs()))) throw new PerpRefusal("reduce_only", "Reduce-only order would open or increase a position");
    const opening = r.reduceOnly ? new Decimal(0) : Decimal.max(qty.sub(held.mul(sign).lt(0) ? held.abs() : 0), 0);
    const last = this.prices.get(m.id)!;
    const need = opening.mul(m.contractSize).mul(r.type === "limit" ? price : last).div(settings.leverage);
    if (!trigger && need.gt(this.available(key))) throw new PerpRefusal("insufficient", "Insufficient margin");
    const now = Date.now();
    const order: PerpOrder = {
      id: this.newId(),
      clientId: r.clientId,
      market: m.id,
      side: r.side,
      type: r.type,
      price,
      qty,
      filled: new Decimal(0),
      value: new Decimal(0),
      fee: new Decimal(0),
      pnl: new Decimal(0),
      reduceOnly: r.reduceOnly || closePosition,
      marginMode: settings.marginMode,
      leverage: settings.leverage,
      trigger,
      closePosition,
      endsWithPosition: Boolean(trigger && r.endsWithPosition),
      status: "open",
      expired: false,
      createdAt: now,
      updatedAt: now,
    };
    acc.orders.push(order);
    if (trigger) {
      // Already crossed: the venue refuses a conditional order that would fire at once.
      if (trigger.direction === "rise" ? last.gte(trigger.price) : last.lte(trigger.price)) {
        acc.orders.pop();
        throw new PerpRefusal("bad_price", "The trigger price would fire at once");
      }
      return order;
    }
    const marketable = r.type === "market" || (r.side === "buy" ? last.lte(price) : last.gte(price));
    if (marketable) this.fill(key, order, last, false);
    return order;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price. */
  setPrice(market: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(market, p);
    for (const [key, acc] of this.accounts) {
      for (const o of acc.orders) {
        if (o.market !== market || !isOpen(o)) continue;
        if (o.trigger && !o.trigger.fired) {
          if (o.trigger.direction === "rise" ? p.gte(o.trigger.price) : p.lte(o.trigger.price)) this.fire(key, o, p);
          continue;
        }
        if (o.type !== "limit") continue;
        if (o.side === "buy" ? p.lte(o.price) : p.gte(o.price)) this.fill(key, o, o.price, true);
      }
    }
  }

  /**
   * A conditional order whose trigger the price crossed: a market order now, for no more than the
   * position it reduces; canceled when there is nothing left on the other side to reduce.
   */
  private fire(key: string, order: PerpOrder, price: Decimal) {
    order.trigger!.fired = true;
    const held = this.position(key, order.market).contracts;
    const sign = order.side === "buy" ? 1 : -1;
    if (order.reduceOnly && held.mul(sign).gte(0)) {
      order.status = "canceled";
      order.expired = true;
      order.updatedAt = Date.now();
      return;
    }
    if (order.closePosition) order.qty = held.abs();
    else if (order.reduceOnly) order.qty = Decimal.min(order.qty, held.abs());
    this.fill(key, order, price, false);
  }

  private fill(key: string, order: PerpOrder, price: Decimal, maker: boolean) {
    const m = this.market(order.market);
    const acc = this.account(key);
    const cs = new Decimal(m.contractSize);
    const qty = order.qty.sub(order.filled);
    const pos = this.position(key, m.id);
    const sign = order.side === "buy" ? 1 : -1;
    const closing = pos.contracts.mul(sign).lt(0) ? Decimal.min(qty, pos.contracts.abs()) : new Decimal(0);
    // Long closed: (exit − entry) × size; short closed: (entry − exit) × size.
    const pnl = closing.mul(cs).mul(price.sub(pos.entryPrice)).mul(-sign);
    const opening = qty.sub(closing);
    const after = pos.contracts.add(qty.mul(sign));
    if (opening.gt(0)) {
      const kept = pos.contracts.mul(sign).gt(0) ? pos.contracts.abs() : new Decimal(0);
      pos.entryPrice = kept.mul(pos.entryPrice).add(opening.mul(price)).div(kept.add(opening));
    }
    if (after.isZero()) pos.entryPrice = new Decimal(0);
    pos.contracts = after;
    pos.updatedAt = Date.now();
    const value = qty.mul(cs).mul(price);
    const fee = value.mul(maker ? this.makerRate : this.takerRate);
    acc.wallet = acc.wallet.add(pnl).sub(fee);
    order.filled = order.qty;
    order.value = order.value.add(value);
    order.fee = order.fee.add(fee);
    order.pnl = order.pnl.add(pnl);
    order.status = "filled";
    order.updatedAt = Date.now();
    acc.fills.push({ id: this.newId(), orderId: order.id, clientId: order.clientId, market: m.id, side: order.side, price, qty, fee, pnl, maker, time: order.updatedAt });
    if (after.isZero()) {
      for (const o of acc.orders) {
        if (o.market !== m.id || !isOpen(o) || !o.endsWithPosition) continue;
        o.status = "canceled";
        o.expired = true;
        o.updatedAt = Date.now();
      }
    }
  }

  find(key: string, market: string | undefined, by: { id?: string; clientId?: string }): PerpOrder | undefined {
    return this.account(key)
      .orders.filter((o) => (!market || o.market === market) && (by.id ? o.id === by.id : Boolean(by.clientId) && o.clientId === by.clientId))
      .at(-1);
  }

  cancel(key: string, market: string, by: { id?: string; clientId?: string }): PerpOrder {
    this.market(market);
    const order = this.find(key, market, by);
    if (!order) throw new PerpRefusal("not_found", "Order does not exist");
    if (!isOpen(order)) throw new PerpRefusal("finished", "Order is already filled or canceled");
    order.status = "canceled";
    order.updatedAt = Date.now();
    return order;
  }

  orders(key: string, filter: { market?: string; open: boolean }): PerpOrder[] {
    return this.account(key)
      .orders.filter((o) => (!filter.market || o.market === filter.market) && isOpen(o) === filter.open)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A funding payment (negative: paid), booked to the wallet and listed among the account's bills. */
  addFunding(key: string, market: string, amount: string, time = Date.now()): PerpBill {
    this.market(market);
    const acc = this.account(key);
    const bill = { id: this.newId(), market, amount: new Decimal(amount), time };
    acc.wallet = acc.wallet.add(bill.amount);
    acc.bills.push(bill);
    return bill;
  }
}
