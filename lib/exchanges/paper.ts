import Decimal from "decimal.js";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { exchangeAccounts, paperBalances, paperOrders, paperPrices, type PaperOrderRow } from "@/db/schema";
import { SIMULATED_STEP_MS, simulatedPath } from "./paper-feed";
import { paperCandles, recordPaperTick, recordPaperTicks } from "./paper-candles";
import { findPaperMarket, paperMarkets } from "./paper-markets";
import { checkOrder, type OrderCheck } from "./precision";
import type {
  BalanceLine,
  CreateOrderRequest,
  ExchangeClient,
  ExchangeOrder,
  Market,
  OrderSide,
  OrderStatus,
  OrderType,
  Ticker,
} from "./types";
import { ExchangeError } from "./types";

/**
 * The paper exchange: a simulated spot account kept in our own database (paper_balances, paper_orders,
 * paper_prices), behaving like Binance spot. Every order is one transaction that first locks the account
 * row and then its balance rows, so concurrent orders for one account run one after another and can
 * never spend the same funds twice.
 */

// decimal.js defaults to 20 significant digits; balances and costs need more, and never exponent notation.
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
type Dec = InstanceType<typeof D>;

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type PriceSource = (symbol: string) => Promise<string | null>;

const OPEN_STATUSES: OrderStatus[] = ["open", "partially_filled"];
const DEFAULT_FEE_RATE = "0.001";

export interface PaperExchangeOptions {
  db: Database;
  accountId: string;
  /** Fee per fill as a fraction: 0.001 = 0.1 %. */
  feeRate: string;
  /** Slippage applied to market orders, in basis points (10 = 0.1 %). */
  slippageBps: string;
  /** Live price feed (e.g. a public ticker); its answers are stored in paper_prices as "ticker". */
  priceSource?: PriceSource;
  /** With no live price, the market walks on by itself (stored as "simulated", and said so where shown). */
  simulate?: boolean;
}

/** Where the paper market's last price came from: a live ticker, a signal's price, a person, or the simulated walk. */
export type PaperPriceSource = "signal" | "ticker" | "manual" | "simulated";

function dec(value: Decimal.Value): Dec {
  return new D(value);
}

/** Canonical decimal string: no exponent, no trailing zeros. */
function str(value: Decimal.Value): string {
  return new D(value).toFixed();
}

function nonNegativeRate(value: string, name: string): Dec {
  let d: Dec;
  try {
    d = dec(value);
  } catch {
    throw new Error(`Paper exchange: ${name} must be a decimal, got ${JSON.stringify(value)}`);
  }
  if (!d.isFinite() || d.isNeg()) throw new Error(`Paper exchange: ${name} must be a non-negative decimal`);
  return d;
}

function marketFor(symbol: string): Market {
  const m = findPaperMarket(symbol);
  if (!m) throw new ExchangeError("invalid_order", `Invalid symbol: ${symbol} is not traded on the paper exchange.`);
  return m;
}

/** Base and quote of a symbol, also for symbols not (or no longer) in the market list. */
function assetsOf(symbol: string): { base: string; quote: string } {
  const m = findPaperMarket(symbol);
  if (m) return { base: m.base, quote: m.quote };
  const [base = symbol, quote = "USDT"] = symbol.split(":")[0]!.split("/");
  return { base, quote };
}

function refusalMessage(check: Exclude<OrderCheck, { ok: true }>, market: Market): string {
  switch (check.reason) {
    case "amount_too_small":
      return `Filter failure: LOT_SIZE (amount must be at least ${check.min} ${market.base}).`;
    case "amount_too_large":
      return `Filter failure: LOT_SIZE (amount must be at most ${check.max} ${market.base}).`;
    case "cost_too_small":
      return `Filter failure: NOTIONAL (order value must be at least ${check.min} ${market.quote}).`;
    case "price_required":
      return "Mandatory parameter 'price' was not sent: a limit order needs a price.";
    case "not_positive":
      return "Filter failure: amount and price must be positive numbers.";
  }
}

function toExchangeOrder(row: PaperOrderRow): ExchangeOrder {
  return {
    id: String(row.id),
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side as OrderSide,
    type: row.type as OrderType,
    status: row.status as OrderStatus,
    amount: str(row.amount),
    price: row.price === null ? null : str(row.price),
    filled: str(row.filled),
    average: row.average === null ? null : str(row.average),
    cost: str(row.cost),
    fee: row.feeCurrency ? { cost: str(row.fee), currency: row.feeCurrency } : null,
    timestamp: row.createdAt.getTime(),
  };
}

/** paper_orders.id is an int4 identity; anything else cannot name an order. */
function parseOrderId(id: string): number | null {
  if (!/^\d{1,10}$/.test(id)) return null;
  const n = Number(id);
  return n >= 1 && n <= 2_147_483_647 ? n : null;
}

// ---------------------------------------------------------------------------------------------------
// Balance books inside a transaction

interface Book {
  free: Dec;
  used: Dec;
  changed: boolean;
}

/**
 * Locks the account row (serialises everything that moves this account's funds) and returns its fee rate.
 * `for no key update` keeps foreign-key checks from other tables (which take key-share locks) unblocked.
 */
async function lockAccount(tx: Tx, accountId: string): Promise<{ paperFeeRate: string | null }> {
  const [account] = await tx
    .select({ paperFeeRate: exchangeAccounts.paperFeeRate })
    .from(exchangeAccounts)
    .where(eq(exchangeAccounts.id, accountId))
    .for("no key update");
  if (!account) throw new ExchangeError("auth", "Paper account not found.");
  return account;
}

/** Creates missing balance rows (at 0) and locks the rows of `assets`, always in asset order. */
async function lockBalances(tx: Tx, accountId: string, assets: string[]): Promise<Map<string, Book>> {
  const sorted = [...new Set(assets)].sort();
  await tx
    .insert(paperBalances)
    .values(sorted.map((asset) => ({ accountId, asset, free: "0", used: "0" })))
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(paperBalances)
    .where(and(eq(paperBalances.accountId, accountId), inArray(paperBalances.asset, sorted)))
    .orderBy(asc(paperBalances.asset))
    .for("update");
  const books = new Map<string, Book>();
  for (const row of rows) books.set(row.asset, { free: dec(row.free), used: dec(row.used), changed: false });
  for (const asset of sorted) {
    if (!books.has(asset)) throw new Error(`Paper exchange: balance row ${asset} missing after insert`);
  }
  return books;
}

function book(books: Map<string, Book>, asset: string): Book {
  const b = books.get(asset);
  if (!b) throw new Error(`Paper exchange: balance ${asset} not locked`);
  return b;
}

function adjust(books: Map<string, Book>, asset: string, change: { free?: Dec; used?: Dec }) {
  const b = book(books, asset);
  if (change.free) b.free = b.free.plus(change.free);
  if (change.used) b.used = b.used.plus(change.used);
  if (b.free.isNeg() || b.used.isNeg()) {
    // Callers check funds first; reaching this is a bug, and the transaction is rolled back.
    throw new Error(`Paper exchange: balance ${asset} would become negative`);
  }
  b.changed = true;
}

async function saveBalances(tx: Tx, accountId: string, books: Map<string, Book>) {
  for (const [asset, b] of books) {
    if (!b.changed) continue;
    await tx
      .update(paperBalances)
      .set({ free: b.free.toFixed(), used: b.used.toFixed() })
      .where(and(eq(paperBalances.accountId, accountId), eq(paperBalances.asset, asset)));
  }
}

function insufficient(asset: string): ExchangeError {
  return new ExchangeError("insufficient_funds", `Account has insufficient balance for requested action (${asset}).`);
}

/** Funds a resting order still holds: quote for a buy (at its limit), base for a sell. */
function lockedBy(row: PaperOrderRow): { asset: "base" | "quote"; amount: Dec } {
  const remaining = dec(row.amount).minus(row.filled);
  if (row.side === "buy") return { asset: "quote", amount: remaining.mul(row.price ?? 0) };
  return { asset: "base", amount: remaining };
}

interface Fill {
  amount: Dec;
  price: Dec;
  cost: Dec;
  fee: Dec;
  feeCurrency: string;
}

/** Moves the funds of a fill: buys pay `cost` quote from free (the caller releases any lock first), fees are taken from what is received. */
function settle(books: Map<string, Book>, side: OrderSide, base: string, quote: string, fill: Fill) {
  if (side === "buy") {
    adjust(books, quote, { free: fill.cost.neg() });
    adjust(books, base, { free: fill.amount.minus(fill.fee) });
  } else {
    adjust(books, base, { free: fill.amount.neg() });
    adjust(books, quote, { free: fill.cost.minus(fill.fee) });
  }
}

function makeFill(side: OrderSide, base: string, quote: string, amount: Dec, price: Dec, feeRate: Dec): Fill {
  const cost = amount.mul(price);
  return side === "buy"
    ? { amount, price, cost, fee: amount.mul(feeRate), feeCurrency: base }
    : { amount, price, cost, fee: cost.mul(feeRate), feeCurrency: quote };
}

// ---------------------------------------------------------------------------------------------------
// Exported helpers

/** Sets the free balance of each asset (creating rows as needed); locked (`used`) amounts are kept. */
export async function seedPaperBalances(db: Database, accountId: string, balances: Record<string, string>): Promise<void> {
  const rows = Object.entries(balances).map(([asset, value]) => {
    const v = dec(value);
    if (!v.isFinite() || v.isNeg()) throw new Error(`Paper exchange: balance for ${asset} must be a non-negative decimal`);
    return { accountId, asset, free: v.toFixed(), used: "0" };
  });
  if (rows.length === 0) return;
  rows.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  await db
    .insert(paperBalances)
    .values(rows)
    .onConflictDoUpdate({
      target: [paperBalances.accountId, paperBalances.asset],
      set: { free: sql`excluded.free` },
    });
}

/** Stores the latest price seen for a symbol (shared by all paper accounts). */
export async function recordPaperPrice(
  db: Database,
  symbol: string,
  price: string,
  source: PaperPriceSource,
): Promise<void> {
  const p = dec(price);
  if (!p.isFinite() || p.lte(0)) throw new Error(`Paper exchange: price for ${symbol} must be positive`);
  const now = new Date();
  await db
    .insert(paperPrices)
    .values({ symbol, price: p.toFixed(), source, updatedAt: now })
    .onConflictDoUpdate({ target: paperPrices.symbol, set: { price: p.toFixed(), source, updatedAt: now } });
  await recordPaperTick(db, symbol, p.toFixed(), now.getTime());
}

async function storedPrice(db: Database, symbol: string): Promise<{ price: string; timestamp: number; source: string } | null> {
  const [row] = await db.select().from(paperPrices).where(eq(paperPrices.symbol, symbol)).limit(1);
  return row ? { price: str(row.price), timestamp: row.updatedAt.getTime(), source: row.source } : null;
}

/** The paper market's last price of each symbol and where it came from, for the pages that show it. */
export async function paperPriceSources(db: Database, symbols: string[]): Promise<{ symbol: string; price: string; source: PaperPriceSource; at: Date }[]> {
  if (symbols.length === 0) return [];
  const rows = await db.select().from(paperPrices).where(inArray(paperPrices.symbol, symbols));
  return rows.map((r) => ({ symbol: r.symbol, price: str(r.price), source: r.source as PaperPriceSource, at: r.updatedAt }));
}

/**
 * Fills the account's resting limit orders on `symbol` that `price` crosses (buys when price <= limit,
 * sells when price >= limit), each in full at its own limit price. Returns how many filled.
 * The fee rate is the account's paper_fee_rate (0.1 % when unset) unless `opts.feeRate` is given.
 */
export async function matchPaperLimitOrders(
  db: Database,
  accountId: string,
  symbol: string,
  price: string,
  opts: { feeRate?: string } = {},
): Promise<number> {
  const p = dec(price);
  if (!p.isFinite() || p.lte(0)) return 0;
  const { base, quote } = assetsOf(symbol);
  return db.transaction(async (tx) => {
    const account = await lockAccount(tx, accountId);
    const feeRate = nonNegativeRate(opts.feeRate ?? account.paperFeeRate ?? DEFAULT_FEE_RATE, "feeRate");
    const resting = await tx
      .select()
      .from(paperOrders)
      .where(
        and(
          eq(paperOrders.accountId, accountId),
          eq(paperOrders.symbol, symbol),
          eq(paperOrders.type, "limit"),
          inArray(paperOrders.status, OPEN_STATUSES),
        ),
      )
      .orderBy(asc(paperOrders.id))
      .for("update");
    const crossed = resting.filter((o) => {
      if (o.price === null) return false;
      return o.side === "buy" ? p.lte(o.price) : p.gte(o.price);
    });
    if (crossed.length === 0) return 0;
    const books = await lockBalances(tx, accountId, [base, quote]);
    const now = new Date();
    for (const order of crossed) {
      const limit = dec(order.price!);
      const remaining = dec(order.amount).minus(order.filled);
      const locked = lockedBy(order);
      const lockedAsset = locked.asset === "base" ? base : quote;
      // Release the lock, then settle the fill at the limit price (for a buy that is exactly what was locked).
      adjust(books, lockedAsset, { used: locked.amount.neg(), free: locked.amount });
      const fill = makeFill(order.side as OrderSide, base, quote, remaining, limit, feeRate);
      settle(books, order.side as OrderSide, base, quote, fill);
      const filled = dec(order.filled).plus(remaining);
      const cost = dec(order.cost).plus(fill.cost);
      await tx
        .update(paperOrders)
        .set({
          status: "filled",
          filled: filled.toFixed(),
          cost: cost.toFixed(),
          average: filled.isZero() ? null : cost.div(filled).toFixed(),
          fee: dec(order.fee).plus(fill.fee).toFixed(),
          feeCurrency: fill.feeCurrency,
          updatedAt: now,
        })
        .where(eq(paperOrders.id, order.id));
    }
    await saveBalances(tx, accountId, books);
    return crossed.length;
  });
}

// ---------------------------------------------------------------------------------------------------
// The client

export function createPaperExchange(opts: PaperExchangeOptions): ExchangeClient {
  const { db, accountId, priceSource } = opts;
  const feeRate = nonNegativeRate(opts.feeRate, "feeRate");
  const slippage = nonNegativeRate(opts.slippageBps, "slippageBps").div(10_000);

  /**
   * The paper market's current price: the live feed (stored as "ticker") when it answers, else the
   * caller's reference (a signal's price), else the last stored price; null when nothing is known. A
   * market order fills at the market, not at the price a signal named.
   */
  async function findPrice(symbol: string, referencePrice?: string): Promise<{ price: string; timestamp: number } | null> {
    let reference: Dec | undefined;
    if (referencePrice !== undefined) {
      try {
        reference = dec(referencePrice);
      } catch {
        throw new ExchangeError("invalid_order", `Reference price ${JSON.stringify(referencePrice)} is not a number.`);
      }
      if (!reference.isFinite() || reference.lte(0)) throw new ExchangeError("invalid_order", "Reference price must be positive.");
    }
    let sourceError: unknown;
    if (priceSource) {
      try {
        const live = await priceSource(symbol);
        if (live !== null && live !== undefined) {
          const p = dec(live);
          if (p.isFinite() && p.gt(0)) {
            await recordPaperPrice(db, symbol, p.toFixed(), "ticker");
            return { price: p.toFixed(), timestamp: Date.now() };
          }
        }
      } catch (error) {
        // A failing feed falls back to the reference, then to the last stored price.
        sourceError = error;
      }
    }
    if (reference) {
      // With no live feed, the signal's price is the best market data there is: the market moves on from it.
      if (opts.simulate) await recordPaperPrice(db, symbol, reference.toFixed(), "signal");
      return { price: reference.toFixed(), timestamp: Date.now() };
    }
    const stored = await storedPrice(db, symbol);
    if (opts.simulate) {
      const now = Date.now();
      const sameStep = stored && Math.floor(stored.timestamp / SIMULATED_STEP_MS) >= Math.floor(now / SIMULATED_STEP_MS);
      if (stored && sameStep) return stored;
      const path = simulatedPath(symbol, now, stored ? { price: stored.price, at: stored.timestamp } : null);
      const walked = path?.at(-1)?.price;
      if (path && walked) {
        // The steps walked since the last look join the price path too, so the chart shows the walk.
        await recordPaperTicks(db, symbol, path.slice(0, -1));
        await recordPaperPrice(db, symbol, walked, "simulated");
        return { price: walked, timestamp: now };
      }
    }
    if (stored) return stored;
    if (sourceError !== undefined) {
      const reason = sourceError instanceof Error ? sourceError.message : String(sourceError);
      throw new ExchangeError("no_price", `No price known for ${symbol} (price feed failed: ${reason}).`);
    }
    return null;
  }

  async function requirePrice(symbol: string, referencePrice?: string) {
    const found = await findPrice(symbol, referencePrice);
    if (!found) throw new ExchangeError("no_price", `No price known for ${symbol}.`);
    return found;
  }

  /** Lets resting limit orders fill at the current price before the trader looks at the account. */
  async function matchResting(symbol?: string) {
    const rows = await db
      .selectDistinct({ symbol: paperOrders.symbol })
      .from(paperOrders)
      .where(
        and(
          eq(paperOrders.accountId, accountId),
          eq(paperOrders.type, "limit"),
          inArray(paperOrders.status, OPEN_STATUSES),
          symbol === undefined ? undefined : eq(paperOrders.symbol, symbol),
        ),
      );
    for (const { symbol: s } of rows) {
      let found: { price: string } | null = null;
      try {
        found = await findPrice(s);
      } catch {
        found = null;
      }
      if (found) await matchPaperLimitOrders(db, accountId, s, found.price, { feeRate: opts.feeRate });
    }
  }

  async function createOrder(request: CreateOrderRequest): Promise<ExchangeOrder> {
    const market = marketFor(request.symbol);
    const { base, quote } = market;
    const side = request.side;
    if (side !== "buy" && side !== "sell") throw new ExchangeError("invalid_order", "Invalid side.");
    if (request.type !== "market" && request.type !== "limit") throw new ExchangeError("invalid_order", "Invalid order type.");
    if (!request.clientOrderId) throw new ExchangeError("invalid_order", "A client order id is required.");

    // Market orders need a price to fill; limit orders rest when none is known.
    const current =
      request.type === "market"
        ? await requirePrice(market.symbol, request.referencePrice)
        : await findPrice(market.symbol, request.referencePrice);

    const check = checkOrder(market, {
      side,
      type: request.type,
      amount: request.amount,
      price: request.price,
      referencePrice: current?.price,
    });
    if (!check.ok) throw new ExchangeError("invalid_order", refusalMessage(check, market));
    const amount = dec(check.amount);

    const row = await db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      const books = await lockBalances(tx, accountId, [base, quote]);

      const [duplicate] = await tx
        .select({ id: paperOrders.id })
        .from(paperOrders)
        .where(
          and(
            eq(paperOrders.accountId, accountId),
            eq(paperOrders.clientOrderId, request.clientOrderId),
            inArray(paperOrders.status, OPEN_STATUSES),
          ),
        )
        .limit(1);
      if (duplicate) throw new ExchangeError("invalid_order", "Duplicate order sent.");

      const now = new Date();
      const values: typeof paperOrders.$inferInsert = {
        accountId,
        clientOrderId: request.clientOrderId,
        symbol: market.symbol,
        side,
        type: request.type,
        amount: amount.toFixed(),
        price: null,
        status: "open",
        filled: "0",
        average: null,
        cost: "0",
        fee: "0",
        feeCurrency: side === "buy" ? base : quote,
        createdAt: now,
        updatedAt: now,
      };

      const applyFill = (fill: Fill) => {
        values.status = "filled";
        values.filled = fill.amount.toFixed();
        values.average = fill.price.toFixed();
        values.cost = fill.cost.toFixed();
        values.fee = fill.fee.toFixed();
        values.feeCurrency = fill.feeCurrency;
      };

      if (request.type === "market") {
        const price = dec(current!.price);
        const factor = side === "buy" ? dec(1).plus(slippage) : dec(1).minus(slippage);
        const fillPrice = price.mul(factor).toNearest(market.priceStep, Decimal.ROUND_HALF_UP);
        if (fillPrice.lte(0)) throw new ExchangeError("invalid_order", "Slippage leaves no positive fill price.");
        const fill = makeFill(side, base, quote, amount, fillPrice, feeRate);
        if (side === "buy" && book(books, quote).free.lt(fill.cost)) throw insufficient(quote);
        if (side === "sell" && book(books, base).free.lt(amount)) throw insufficient(base);
        settle(books, side, base, quote, fill);
        applyFill(fill);
      } else {
        const limit = dec(check.price!);
        values.price = limit.toFixed();
        const lockAsset = side === "buy" ? quote : base;
        const lockAmount = side === "buy" ? amount.mul(limit) : amount;
        if (book(books, lockAsset).free.lt(lockAmount)) throw insufficient(lockAsset);
        adjust(books, lockAsset, { free: lockAmount.neg(), used: lockAmount });

        const price = current ? dec(current.price) : null;
        if (price !== null && (side === "buy" ? limit.gte(price) : limit.lte(price))) {
          // Takes liquidity at the current price; the lock is released and a buy gets back the difference.
          adjust(books, lockAsset, { used: lockAmount.neg(), free: lockAmount });
          const fill = makeFill(side, base, quote, amount, price, feeRate);
          settle(books, side, base, quote, fill);
          applyFill(fill);
        }
      }

      await saveBalances(tx, accountId, books);
      const [inserted] = await tx.insert(paperOrders).values(values).returning();
      if (!inserted) throw new Error("Paper exchange: order insert returned nothing");
      return inserted;
    });
    return toExchangeOrder(row);
  }

  /** Cancels open orders matching `where` in one transaction, unlocking what they hold. */
  async function cancelWhere(symbol: string, orderId: number | null): Promise<PaperOrderRow[]> {
    const { base, quote } = assetsOf(symbol);
    return db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      const open = await tx
        .select()
        .from(paperOrders)
        .where(
          and(
            eq(paperOrders.accountId, accountId),
            eq(paperOrders.symbol, symbol),
            inArray(paperOrders.status, OPEN_STATUSES),
            orderId === null ? undefined : eq(paperOrders.id, orderId),
          ),
        )
        .orderBy(asc(paperOrders.id))
        .for("update");
      if (open.length === 0) return [];
      const books = await lockBalances(tx, accountId, [base, quote]);
      const now = new Date();
      const canceled: PaperOrderRow[] = [];
      for (const order of open) {
        const locked = lockedBy(order);
        const asset = locked.asset === "base" ? base : quote;
        adjust(books, asset, { used: locked.amount.neg(), free: locked.amount });
        const [row] = await tx
          .update(paperOrders)
          .set({ status: "canceled", updatedAt: now })
          .where(eq(paperOrders.id, order.id))
          .returning();
        if (row) canceled.push(row);
      }
      await saveBalances(tx, accountId, books);
      return canceled;
    });
  }

  const client: ExchangeClient = {
    exchange: "paper",
    marketType: "spot",

    async markets() {
      return paperMarkets();
    },

    async market(symbol) {
      return marketFor(symbol);
    },

    async balance(): Promise<BalanceLine[]> {
      await matchResting();
      const rows = await db
        .select()
        .from(paperBalances)
        .where(eq(paperBalances.accountId, accountId))
        .orderBy(asc(paperBalances.asset));
      return rows
        .map((r) => ({ asset: r.asset, free: str(r.free), used: str(r.used), total: str(dec(r.free).plus(r.used)) }))
        .filter((l) => !(dec(l.free).isZero() && dec(l.used).isZero()))
        .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
    },

    async ticker(symbol): Promise<Ticker> {
      marketFor(symbol);
      const { price, timestamp } = await requirePrice(symbol);
      return { symbol, last: price, bid: null, ask: null, timestamp };
    },

    async tickers(symbols): Promise<Ticker[]> {
      const out: Ticker[] = [];
      for (const symbol of symbols) {
        if (!findPaperMarket(symbol)) continue;
        let found: { price: string; timestamp: number } | null = null;
        try {
          found = await findPrice(symbol);
        } catch {
          found = null;
        }
        if (found) out.push({ symbol, last: found.price, bid: null, ask: null, timestamp: found.timestamp });
      }
      return out;
    },

    async ohlcv(symbol, timeframe, limit = 200) {
      marketFor(symbol);
      // The current price joins the path first, so the last candle ends where the market stands now.
      await findPrice(symbol).catch(() => null);
      return paperCandles(db, symbol, timeframe, Math.max(1, Math.min(1000, Math.floor(limit))));
    },

    createOrder,

    async cancelOrder(id, symbol) {
      const orderId = parseOrderId(id);
      const [row] = orderId === null ? [] : await cancelWhere(symbol, orderId);
      if (!row) throw new ExchangeError("order_not_found", "Unknown order sent.");
      return toExchangeOrder(row);
    },

    async cancelAllOrders(symbol) {
      return (await cancelWhere(symbol, null)).length;
    },

    async openOrders(symbol) {
      await matchResting(symbol);
      const rows = await db
        .select()
        .from(paperOrders)
        .where(
          and(
            eq(paperOrders.accountId, accountId),
            inArray(paperOrders.status, OPEN_STATUSES),
            symbol === undefined ? undefined : eq(paperOrders.symbol, symbol),
          ),
        )
        .orderBy(asc(paperOrders.id));
      return rows.map(toExchangeOrder);
    },

    async orderHistory({ symbol, limit = 100 }) {
      await matchResting(symbol);
      const rows = await db
        .select()
        .from(paperOrders)
        .where(and(eq(paperOrders.accountId, accountId), eq(paperOrders.symbol, symbol)))
        .orderBy(desc(paperOrders.id))
        .limit(Number.isFinite(limit) ? Math.max(1, Math.min(1000, Math.floor(limit))) : 100);
      return rows.map(toExchangeOrder);
    },

    async findOrderByClientId(clientOrderId, symbol) {
      const find = async () => {
        const [row] = await db
          .select()
          .from(paperOrders)
          .where(
            and(
              eq(paperOrders.accountId, accountId),
              eq(paperOrders.symbol, symbol),
              eq(paperOrders.clientOrderId, clientOrderId),
            ),
          )
          .orderBy(desc(paperOrders.id))
          .limit(1);
        return row;
      };
      let row = await find();
      if (row && OPEN_STATUSES.includes(row.status as OrderStatus)) {
        await matchResting(symbol);
        row = await find();
      }
      return row ? toExchangeOrder(row) : null;
    },

    async keyPermissions() {
      return { withdrawals: false, trading: true, ipRestricted: null };
    },
  };
  return client;
}
