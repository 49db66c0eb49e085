import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Exchange, MarketInterface as CcxtMarket, Order as CcxtOrder } from "ccxt";
import Decimal from "decimal.js";
import { bitgetMarketBuyCost, bitgetOptions, bitgetOrderHistory, bitgetOrderTrades, findBitgetOrder } from "./bitget-orders";
import { bybitOrderHistory, bybitRetryAfter, findBybitOrder } from "./bybit-orders";
import { mapCcxtError } from "./ccxt-errors";
import { cancelOkxOrders, okxOrderHistory } from "./okx-orders";
import { PERMISSION_READERS, type ImplicitApi } from "./permission-readers";
import type {
  BalanceLine,
  CreateOrderRequest,
  ExchangeClient,
  ExchangeId,
  ExchangeOrder,
  KeyPermissions,
  Market,
  MarketType,
  OcoRequest,
  OrderStatus,
  Ticker,
} from "./types";
import { ExchangeError } from "./types";

export type CcxtExchangeId = Exclude<ExchangeId, "paper">;

export interface CcxtClientConfig {
  exchange: CcxtExchangeId;
  marketType: MarketType;
  sandbox: boolean;
  credentials?: { apiKey: string; secret: string; password?: string };
  /** Test-only: send every API call to this base URL (the local exchange simulator). */
  apiOverride?: string;
  timeoutMs?: number;
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

// Loading one exchange's file costs ~0.15-0.3 s; `import("ccxt")` loads all of them (~0.4 s and more
// memory), which matters in serverless functions. The per-exchange files are not in ccxt's exports
// map, so they are imported by path.
const classes = new Map<CcxtExchangeId, Promise<ExchangeClass>>();

/**
 * Where ccxt's files are. The project's own node_modules first (the dev server, `next start`, the standalone
 * output and Vercel's functions all run with the app's directory as cwd); Node's resolution after that.
 * Never trust the resolution alone: a bundler may answer it with a virtual module id, not a path.
 */
function ccxtRoot(): string {
  const candidates = [path.join(process.cwd(), "node_modules", "ccxt")];
  try {
    const nodeRequire = createRequire(import.meta.url);
    candidates.push(path.resolve(path.dirname(nodeRequire.resolve("ccxt")), ".."));
  } catch {
    // Not resolvable from here: the candidates above stand.
  }
  return candidates.find((dir) => path.isAbsolute(dir) && existsSync(path.join(dir, "js", "src", "binance.js"))) ?? candidates[0]!;
}

export function loadExchangeClass(id: CcxtExchangeId): Promise<ExchangeClass> {
  let loading = classes.get(id);
  if (!loading) {
    const file = pathToFileURL(path.join(ccxtRoot(), "js", "src", `${id}.js`)).href;
    loading = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ file).then(
      (mod: { default: ExchangeClass }) => mod.default,
    );
    loading.catch(() => classes.delete(id));
    classes.set(id, loading);
  }
  return loading;
}

/** Rewrites every API URL to the override origin, keeping paths; returns the pairs for error lookups. */
function pointAt(exchange: Exchange, base: string): [string, string][] {
  const pairs: [string, string][] = [];
  const origin = base.replace(/\/$/, "");
  const walk = (node: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string" && /^https?:\/\//.test(value)) {
        const rewritten = value.replace(/^https?:\/\/[^/]+/, origin);
        pairs.push([rewritten, value]);
        node[key] = rewritten;
      } else if (value && typeof value === "object") {
        walk(value as Record<string, unknown>);
      }
    }
  };
  walk(exchange.urls.api as Record<string, unknown>);
  // Some exchanges choose error tables by the original host name: answer them with the original URL.
  const original = (exchange as unknown as { getExceptionsByUrl?: (url: string, kind: string) => unknown }).getExceptionsByUrl;
  if (original) {
    const sorted = [...pairs].sort((a, b) => b[0].length - a[0].length);
    (exchange as unknown as { getExceptionsByUrl: (url: string, kind: string) => unknown }).getExceptionsByUrl = (url, kind) => {
      const hit = sorted.find(([rewritten]) => url.startsWith(rewritten));
      return original.call(exchange, hit ? hit[1] + url.slice(hit[0].length) : url, kind);
    };
  }
  return pairs;
}

const MARKETS_TTL_MS = 60 * 60 * 1000;
const marketCache = new Map<string, { at: number; markets: Record<string, CcxtMarket>; currencies: unknown }>();

function dec(value: number | string | undefined | null): string | null {
  if (value === undefined || value === null || value === "") return null;
  try {
    return new Decimal(value).toFixed();
  } catch {
    return null;
  }
}

function step(value: number | undefined, mode: number): string {
  if (value === undefined) return "0";
  // precisionMode 2 (DECIMAL_PLACES) gives digits; 4 (TICK_SIZE) gives the step itself.
  return mode === 2 ? new Decimal(10).pow(-value).toFixed() : new Decimal(value).toFixed();
}

function toMarket(m: CcxtMarket, precisionMode: number): Market {
  return {
    symbol: m.symbol,
    id: m.id ?? m.symbol,
    base: m.base,
    quote: m.quote,
    type: m.type === "swap" ? "swap" : "spot",
    amountStep: step(m.precision?.amount, precisionMode),
    priceStep: step(m.precision?.price, precisionMode),
    minAmount: dec(m.limits?.amount?.min),
    maxAmount: dec(m.limits?.amount?.max),
    minCost: dec(m.limits?.cost?.min),
    contractSize: m.type === "swap" ? dec(m.contractSize) : null,
  };
}

function toStatus(o: CcxtOrder): OrderStatus {
  const filled = new Decimal(o.filled ?? 0);
  switch (o.status) {
    case "closed":
      return "filled";
    case "canceled":
      return "canceled";
    case "expired":
      return "expired";
    case "rejected":
      return "rejected";
    default:
      return filled.gt(0) ? "partially_filled" : "open";
  }
}

type CcxtFee = { cost?: number | string; currency?: string } | undefined;

/** ccxt's fees of an order or trades (`fees` where there are several), summed per currency. */
function feesOf(o: { fee?: CcxtFee; fees?: CcxtFee[] }): { cost: string; currency: string }[] {
  const list = o.fees?.length ? o.fees : o.fee ? [o.fee] : [];
  const sums = new Map<string, Decimal>();
  for (const f of list) {
    if (f?.cost === undefined || f.cost === null || !f.currency) continue;
    sums.set(f.currency, (sums.get(f.currency) ?? new Decimal(0)).add(dec(f.cost) ?? "0"));
  }
  const all = [...sums].map(([currency, cost]) => ({ cost: cost.toFixed(), currency }));
  // A zero fee in one currency beside a real one in another says nothing.
  const paid = all.filter((f) => !new Decimal(f.cost).isZero());
  return paid.length > 0 ? paid : all.slice(0, 1);
}

function toOrder(o: CcxtOrder): ExchangeOrder {
  const cost = o.cost ?? (o.filled && o.average ? new Decimal(o.filled).mul(o.average).toFixed() : "0");
  const fees = feesOf(o);
  return {
    id: String(o.id),
    clientOrderId: o.clientOrderId ?? null,
    symbol: o.symbol ?? "",
    side: o.side === "sell" ? "sell" : "buy",
    type: o.type === "limit" ? "limit" : "market",
    status: toStatus(o),
    amount: dec(o.amount) ?? "0",
    price: o.type === "limit" ? dec(o.price) : null,
    filled: dec(o.filled) ?? "0",
    average: dec(o.average),
    cost: dec(cost) ?? "0",
    fee: fees.length === 1 ? fees[0]! : null,
    ...(fees.length > 1 ? { fees } : {}),
    ...(o.lastTradeTimestamp ? { lastTradeTimestamp: o.lastTradeTimestamp } : {}),
    timestamp: o.timestamp ?? Date.now(),
  };
}

export async function createCcxtClient(config: CcxtClientConfig): Promise<ExchangeClient> {
  const Cls = await loadExchangeClass(config.exchange);
  const options: Record<string, unknown> = {
    defaultType: config.marketType === "swap" ? "swap" : "spot",
    fetchCurrencies: false,
    fetchMargins: false,
    warnOnFetchOpenOrdersWithoutSymbol: false,
    adjustForTimeDifference: false,
  };
  if (config.marketType === "swap") options.defaultSubType = "linear";
  // Only the market type the client trades: Bybit would otherwise load spot, linear, inverse and options.
  if (config.exchange === "binance" || config.exchange === "bybit") options.fetchMarkets = { types: [config.marketType === "swap" ? "linear" : "spot"] };
  if (config.exchange === "okx") options.fetchMarkets = { types: [config.marketType] };
  if (config.exchange === "bitget") Object.assign(options, bitgetOptions(config.marketType));
  const ex = new Cls({
    apiKey: config.credentials?.apiKey,
    secret: config.credentials?.secret,
    password: config.credentials?.password,
    enableRateLimit: true,
    timeout: config.timeoutMs ?? 10_000,
    options,
  });
  // Currencies are never used, and not every venue honours the option (Bybit reads them with a private
  // call that a trade-only key may be refused): loadMarkets skips them when the venue says it has none.
  (ex.has as Record<string, unknown>).fetchCurrencies = false;
  if (config.sandbox) ex.setSandboxMode(true);
  if (config.apiOverride) pointAt(ex, config.apiOverride);
  const secrets = [config.credentials?.apiKey, config.credentials?.secret, config.credentials?.password];
  const cacheKey = `${config.exchange}:${config.marketType}:${config.sandbox}:${config.apiOverride ?? ""}`;

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const headers = (ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers;
      const retryAfter = headers?.["retry-after"] ?? headers?.["Retry-After"] ?? (config.exchange === "bybit" ? bybitRetryAfter(headers) : null);
      throw mapCcxtError(error, { secrets, retryAfter });
    }
  }

  async function ensureMarkets() {
    const cached = marketCache.get(cacheKey);
    if (cached && Date.now() - cached.at < MARKETS_TTL_MS) {
      if (!ex.markets) ex.setMarkets(cached.markets, cached.currencies as never);
      return;
    }
    const markets = await call(() => ex.loadMarkets());
    marketCache.set(cacheKey, { at: Date.now(), markets: markets as Record<string, CcxtMarket>, currencies: ex.currencies });
  }

  function ccxtMarket(symbol: string): CcxtMarket {
    const m = ex.markets?.[symbol];
    if (!m) throw new ExchangeError("invalid_order", `Unknown market ${symbol}`);
    return m;
  }

  async function market(symbol: string) {
    await ensureMarkets();
    return toMarket(ccxtMarket(symbol), ex.precisionMode ?? 4);
  }

  /**
   * Binance's order look-up carries no commission; positions need it (a fee taken in the base asset
   * shrinks what is held), so it is summed from the order's trades where the venue offers them.
   */
  async function withTradeFees(order: ExchangeOrder): Promise<ExchangeOrder> {
    // Bitget has no per-order trades call in ccxt: its fills list is asked by order id.
    if (!ex.has.fetchOrderTrades && config.exchange !== "bitget") return order;
    try {
      const trades = await call(() => (config.exchange === "bitget" ? bitgetOrderTrades(ex, order.id, order.symbol) : ex.fetchOrderTrades(order.id, order.symbol)));
      const fees = feesOf({ fees: trades.flatMap((t: { fee?: CcxtFee; fees?: CcxtFee[] }) => (t.fees?.length ? t.fees : [t.fee])) });
      const last = Math.max(0, ...trades.map((t) => t.timestamp ?? 0));
      const when = last > 0 ? { lastTradeTimestamp: last } : {};
      if (fees.length === 1) return { ...order, ...when, fee: fees[0]! };
      return fees.length > 1 ? { ...order, ...when, fee: null, fees } : order;
    } catch (error) {
      // Trades not readable just now: say so, rather than answer a fill without its fee (a fee in the
      // base asset would be left in the position). Other refusals: the order as the look-up gave it.
      if (error instanceof ExchangeError && ["network", "exchange_down", "rate_limited"].includes(error.code)) return { ...order, feeUnread: true };
      return order;
    }
  }

  const client: ExchangeClient = {
    exchange: config.exchange,
    marketType: config.marketType,
    async markets() {
      await ensureMarkets();
      const wanted = config.marketType;
      return Object.values(ex.markets ?? {})
        .filter((m) => m.active !== false && (wanted === "swap" ? m.type === "swap" && m.linear : m.type === "spot"))
        .map((m) => toMarket(m, ex.precisionMode ?? 4))
        .sort((a, b) => a.symbol.localeCompare(b.symbol));
    },
    market,
    async balance(): Promise<BalanceLine[]> {
      // ccxt loads the markets before a balance: from our cache, not another exchangeInfo request.
      await ensureMarkets();
      const b = await call(() => ex.fetchBalance());
      const free = (b.free ?? {}) as unknown as Record<string, number | undefined>;
      const used = (b.used ?? {}) as unknown as Record<string, number | undefined>;
      const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
      return Object.keys(total)
        .map((asset) => ({
          asset,
          free: dec(free[asset]) ?? "0",
          used: dec(used[asset]) ?? "0",
          total: dec(total[asset]) ?? "0",
        }))
        .filter((line) => !new Decimal(line.total).isZero())
        .sort((a, b) => a.asset.localeCompare(b.asset));
    },
    async ticker(symbol: string): Promise<Ticker> {
      await ensureMarkets();
      const t = await call(() => ex.fetchTicker(symbol));
      const last = dec(t.last ?? t.close);
      if (!last) throw new ExchangeError("no_price", `No last price for ${symbol}`);
      return { symbol, last, bid: dec(t.bid), ask: dec(t.ask), timestamp: t.timestamp ?? Date.now() };
    },
    async tickers(symbols: string[]) {
      if (symbols.length === 0) return [];
      await ensureMarkets();
      const known = symbols.filter((s) => ex.markets?.[s]);
      if (known.length === 0) return [];
      const all = await call(() => ex.fetchTickers(known));
      return Object.values(all)
        .map((t) => ({ symbol: t.symbol ?? "", last: dec(t.last ?? t.close) ?? "", bid: dec(t.bid), ask: dec(t.ask), timestamp: t.timestamp ?? Date.now() }))
        .filter((t) => t.last !== "");
    },
    async createOrder(request: CreateOrderRequest) {
      await ensureMarkets();
      // Bitget sizes a spot market buy in the quote coin: its cost is worked out here, in exact decimals.
      const cost =
        config.exchange === "bitget" && config.marketType === "spot" && request.type === "market" && request.side === "buy" ? await bitgetMarketBuyCost(request, client) : undefined;
      // ccxt takes numbers here; the values were already rounded to the market's precision as decimal
      // strings, and ccxt renders them back to strings with its own precision rules.
      const order = await call(() =>
        ex.createOrder(
          request.symbol,
          request.type,
          request.side,
          Number(request.amount),
          request.type === "limit" && request.price ? Number(request.price) : undefined,
          // A limit with ccxt's unified stopLossPrice is Binance spot's STOP_LOSS_LIMIT.
          request.stopPrice
            ? { clientOrderId: request.clientOrderId, stopLossPrice: Number(request.stopPrice) }
            : { clientOrderId: request.clientOrderId, ...(cost ? { cost } : {}) },
        ),
      );
      const placed = toOrder({ ...order, clientOrderId: order.clientOrderId ?? request.clientOrderId, symbol: order.symbol ?? request.symbol });
      // Bybit acknowledges with the ids only: its fill (or rest) is read back; an unread one stays "open"
      // for the order monitor, which looks it up by client order id.
      if (order.status !== undefined) return placed;
      try {
        return (await client.findOrderByClientId(request.clientOrderId, request.symbol)) ?? placed;
      } catch {
        return placed;
      }
    },
    async cancelOrder(id: string, symbol: string) {
      await ensureMarkets();
      const canceled = await call(() => ex.cancelOrder(id, symbol));
      if (config.exchange === "bitget" && canceled.status === undefined) {
        // Bitget acknowledges a cancel with the ids only: the order is read back by its id.
        const read = await call(() => ex.fetchOrder(id, symbol)).catch(() => null);
        return read ? toOrder(read) : { ...toOrder({ ...canceled, symbol }), status: "canceled" };
      }
      if (canceled.status !== undefined || (config.exchange !== "bybit" && config.exchange !== "okx")) return toOrder(canceled);
      // Bybit and OKX acknowledge a cancel with the ids only: the order is read back for what it filled.
      const read = await call(() => (config.exchange === "okx" ? ex.fetchOrder(id, symbol) : findBybitOrder(ex, symbol, { orderId: id }))).catch(() => null);
      return read ? toOrder(read) : { ...toOrder({ ...canceled, symbol }), status: "canceled" };
    },
    async cancelAllOrders(symbol: string) {
      await ensureMarkets();
      const open = await call(() => ex.fetchOpenOrders(symbol));
      if (open.length === 0) return 0;
      try {
        const result = await call(() => (config.exchange === "okx" ? cancelOkxOrders(ex, symbol, open) : ex.cancelAllOrders(symbol)));
        // Bitget's cancel-symbol-order answers the symbol only (ccxt wraps it in a list of one).
        return Array.isArray(result) && config.exchange !== "bitget" ? result.length : open.length;
      } catch (error) {
        // Binance answers "Unknown order sent." when nothing was left to cancel.
        if (error instanceof ExchangeError && error.code === "order_not_found") return 0;
        throw error;
      }
    },
    async openOrders(symbol?: string) {
      await ensureMarkets();
      return (await call(() => ex.fetchOpenOrders(symbol))).map(toOrder);
    },
    async orderHistory({ symbol, limit = 100 }) {
      await ensureMarkets();
      if (config.exchange === "bitget") return (await call(() => bitgetOrderHistory(ex, symbol, limit))).map(toOrder).sort((a, b) => b.timestamp - a.timestamp);
      const list = await call(() =>
        config.exchange === "bybit" ? bybitOrderHistory(ex, symbol, limit) : config.exchange === "okx" ? okxOrderHistory(ex, symbol, limit) : ex.fetchOrders(symbol, undefined, limit),
      );
      return list.map(toOrder).sort((a, b) => b.timestamp - a.timestamp);
    },
    async findOrderByClientId(clientOrderId: string, symbol: string) {
      await ensureMarkets();
      try {
        const found =
          config.exchange === "bybit"
            ? await call(() => findBybitOrder(ex, symbol, { orderLinkId: clientOrderId }))
            : config.exchange === "bitget"
              ? await call(() => findBitgetOrder(ex, symbol, clientOrderId))
              : await call(() => ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId }));
        if (!found) return null;
        const order = toOrder(found);
        return order.fee || order.fees || order.filled === "0" ? order : await withTradeFees(order);
      } catch (error) {
        if (error instanceof ExchangeError && error.code === "order_not_found") return null;
        throw error;
      }
    },
    ...(config.exchange === "binance" && config.marketType === "spot"
      ? {
          nativeStops: true,
          async createOco(request: OcoRequest) {
            await ensureMarkets();
            const m = ccxtMarket(request.symbol);
            // ccxt has no unified spot OCO: Binance's own endpoint, amounts and prices already at precision.
            const raw = (ex as unknown as { privatePostOrderListOco: (p: Record<string, string>) => Promise<{ orderReports?: unknown[] }> }).privatePostOrderListOco;
            const answer = await call(() =>
              raw.call(ex, {
                symbol: m.id ?? request.symbol.replace("/", ""),
                side: "SELL",
                quantity: request.amount,
                listClientOrderId: request.listClientOrderId,
                aboveType: "LIMIT_MAKER",
                abovePrice: request.takeProfitPrice,
                aboveClientOrderId: request.takeProfitClientOrderId,
                belowType: "STOP_LOSS_LIMIT",
                belowStopPrice: request.stopPrice,
                belowPrice: request.stopLimitPrice,
                belowTimeInForce: "GTC",
                belowClientOrderId: request.stopClientOrderId,
                newOrderRespType: "FULL",
              }),
            );
            const legs = (answer.orderReports ?? []).map((r) => toOrder(ex.parseOrder(r as Record<string, unknown>, m)));
            const takeProfit = legs.find((o) => o.clientOrderId === request.takeProfitClientOrderId);
            const stop = legs.find((o) => o.clientOrderId === request.stopClientOrderId);
            if (!takeProfit || !stop) throw new ExchangeError("unknown", "OCO answer without both legs");
            return { takeProfit, stop };
          },
        }
      : {}),
    async keyPermissions(): Promise<KeyPermissions> {
      return call(() => PERMISSION_READERS[config.exchange](ex as unknown as ImplicitApi, config.marketType));
    },
  };
  return client;
}
