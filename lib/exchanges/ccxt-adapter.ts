import type { MarketInterface as CcxtMarket, Order as CcxtOrder } from "ccxt";
import Decimal from "decimal.js";
import { dec, feesOf, toCandles, toMarket, toOrder, type CcxtFee } from "./ccxt-convert";
import { meterCcxt, type RequestMeter } from "./budget/ccxt-meter";
import { mapCcxtError } from "./ccxt-errors";
import { perpMethods } from "./ccxt-perps";
import { loadExchangeClass, pointAt, type CcxtExchangeId } from "./ccxt-loader";
import type { ImplicitApi } from "./permission-readers";
import type { BalanceLine, CreateOrderRequest, ExchangeClient, ExchangeOrder, KeyPermissions, MarketType, OcoRequest, Ticker } from "./types";
import { ExchangeError } from "./types";
import { venueProfile } from "./venues";

export { loadExchangeClass, type CcxtExchangeId } from "./ccxt-loader";

export interface CcxtClientConfig {
  exchange: CcxtExchangeId;
  marketType: MarketType;
  sandbox: boolean;
  credentials?: { apiKey: string; secret: string; password?: string };
  /** Test-only: send every API call to this base URL (the local exchange simulator). */
  apiOverride?: string;
  timeoutMs?: number;
  /** The shared per-venue budget every HTTP request of this client spends (replaces ccxt's own limiter). */
  meter?: RequestMeter;
}

const MARKETS_TTL_MS = 60 * 60 * 1000;
const marketCache = new Map<string, { at: number; markets: Record<string, CcxtMarket>; currencies: unknown }>();
// One load per venue and market type at a time: many accounts starting at once share it.
const marketLoads = new Map<string, Promise<{ markets: Record<string, CcxtMarket>; currencies: unknown }>>();

export async function createCcxtClient(config: CcxtClientConfig): Promise<ExchangeClient> {
  const Cls = await loadExchangeClass(config.exchange);
  const profile = venueProfile(config.exchange, config.marketType);
  const options: Record<string, unknown> = {
    defaultType: config.marketType === "swap" ? "swap" : "spot",
    fetchCurrencies: false,
    fetchMargins: false,
    warnOnFetchOpenOrdersWithoutSymbol: false,
    adjustForTimeDifference: false,
  };
  if (config.marketType === "swap") options.defaultSubType = "linear";
  Object.assign(options, profile.options);
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
  if (config.meter) meterCcxt(ex, config.exchange, config.meter);
  const secrets = [config.credentials?.apiKey, config.credentials?.secret, config.credentials?.password];
  const cacheKey = `${config.exchange}:${config.marketType}:${config.sandbox}:${config.apiOverride ?? ""}`;

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const headers = (ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers;
      const retryAfter = headers?.["retry-after"] ?? headers?.["Retry-After"] ?? profile.retryAfter?.(headers) ?? null;
      throw mapCcxtError(error, { secrets, retryAfter });
    }
  }

  async function ensureMarkets() {
    const cached = marketCache.get(cacheKey);
    if (cached && Date.now() - cached.at < MARKETS_TTL_MS) {
      if (!ex.markets) ex.setMarkets(cached.markets, cached.currencies as never);
      return;
    }
    let loading = marketLoads.get(cacheKey);
    if (!loading) {
      loading = call(() => ex.loadMarkets()).then((markets) => {
        const loaded = { markets: markets as Record<string, CcxtMarket>, currencies: ex.currencies as unknown };
        marketCache.set(cacheKey, { at: Date.now(), ...loaded });
        return loaded;
      });
      const done = () => marketLoads.delete(cacheKey);
      loading.then(done, done);
      marketLoads.set(cacheKey, loading);
    }
    const loaded = await loading;
    if (!ex.markets) ex.setMarkets(loaded.markets, loaded.currencies as never);
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
    const readTrades = profile.orderTrades ?? (ex.has.fetchOrderTrades ? (venue: typeof ex, id: string, symbol: string) => venue.fetchOrderTrades(id, symbol) : undefined);
    if (!readTrades) return order;
    try {
      const trades = await call(() => readTrades(ex, order.id, order.symbol));
      const fees = feesOf({ fees: trades.flatMap((t: { fee?: CcxtFee; fees?: CcxtFee[] }) => (t.fees?.length ? t.fees : [t.fee])) });
      const last = Math.max(0, ...trades.map((t) => t.timestamp ?? 0));
      // Each fill's own time and fees: a third-asset fee is priced at its own fill's time, not the latest's.
      const each = trades
        .filter((t) => t.timestamp && t.amount)
        .map((t: { timestamp?: number; amount?: number; fee?: CcxtFee; fees?: CcxtFee[] }) => ({ timestamp: t.timestamp!, amount: dec(t.amount) ?? "0", fees: feesOf(t) }))
        .sort((a, b) => a.timestamp - b.timestamp);
      const when = last > 0 ? { lastTradeTimestamp: last, ...(each.length === trades.length ? { trades: each } : {}) } : {};
      if (fees.length === 1) return { ...order, ...when, fee: fees[0]! };
      return fees.length > 1 ? { ...order, ...when, fee: null, fees } : order;
    } catch (error) {
      // Trades not readable just now: say so, rather than answer a fill without its fee (a fee in the
      // base asset would be left in the position). Other refusals: the order as the look-up gave it.
      if (error instanceof ExchangeError && ["network", "exchange_down", "rate_limited"].includes(error.code)) return { ...order, feeUnread: true };
      return order;
    }
  }

  const sendOco = profile.sendOco;
  const perp = config.marketType === "swap" ? perpMethods(ex, call, ensureMarkets) : null;
  const placeOco = profile.placeOco;
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
    async ohlcv(symbol, timeframe, limit = 200) {
      await ensureMarkets();
      ccxtMarket(symbol);
      const rows = await call(() => ex.fetchOHLCV(symbol, timeframe, undefined, Math.max(1, Math.min(1000, Math.floor(limit)))));
      return toCandles(rows);
    },
    async createOrder(request: CreateOrderRequest) {
      await ensureMarkets();
      const cost = profile.marketBuyCost && request.type === "market" && request.side === "buy" ? await profile.marketBuyCost(request, client) : undefined;
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
          request.closeTrigger
            ? {
                clientOrderId: request.clientOrderId,
                [request.closeTrigger.kind === "stop_loss" ? "stopLossPrice" : "takeProfitPrice"]: Number(request.closeTrigger.price),
                ...(profile.closeTriggerParams
                  ? { ...profile.closeTriggerParams(request.closeTrigger, request.clientOrderId), ...perp?.orderParams(request.symbol) }
                  : // The whole position on its side; GTE_GTC: the venue expires it once the position is closed.
                    { closePosition: true, timeInForce: "GTE_GTC" }),
              }
            : request.stopPrice
            ? { clientOrderId: request.clientOrderId, stopLossPrice: Number(request.stopPrice) }
            : { clientOrderId: request.clientOrderId, ...(cost ? { cost } : {}), ...(request.reduceOnly ? { reduceOnly: true } : {}), ...perp?.orderParams(request.symbol) },
        ),
      );
      const placed = toOrder({ ...order, clientOrderId: order.clientOrderId ?? request.clientOrderId, symbol: order.symbol ?? request.symbol });
      // Some venues (Bybit) acknowledge with the ids only: the fill (or rest) is read back; an unread one
      // stays "open" for the order monitor, which looks it up by client order id.
      if (order.status !== undefined) return placed;
      try {
        return (await client.findOrderByClientId(request.clientOrderId, request.symbol)) ?? placed;
      } catch {
        return placed;
      }
    },
    async cancelOrder(id: string, symbol: string, opts?: { trigger?: boolean }) {
      await ensureMarkets();
      if (opts?.trigger && profile.cancelTrigger) {
        // Never a plain cancel by this id: the venue numbers conditional orders apart from plain ones.
        const cancelTrigger = profile.cancelTrigger;
        await call(() => cancelTrigger(ex, id, symbol));
        return { ...toOrder({ id, symbol } as CcxtOrder), status: "canceled" as const };
      }
      let canceled: CcxtOrder;
      try {
        canceled = await call(() => ex.cancelOrder(id, symbol));
      } catch (error) {
        const cancelTrigger = profile.cancelTrigger;
        if (!cancelTrigger || !(error instanceof ExchangeError && error.code === "order_not_found")) throw error;
        // Not a plain order: a trigger (algo, plan) order, which the venue cancels apart and which has no
        // fill while it waits. Refused there too (unknown, fired, already canceled): the plain order's "not
        // found" stands, and the caller reads the order's real state by its client order id.
        await call(() => cancelTrigger(ex, id, symbol)).catch((triggerError: unknown) => {
          const transient = triggerError instanceof ExchangeError && ["network", "exchange_down", "rate_limited", "unknown"].includes(triggerError.code);
          throw transient ? triggerError : error;
        });
        return { ...toOrder({ id, symbol } as CcxtOrder), status: "canceled" as const };
      }
      const readCanceled = profile.readCanceled;
      if (canceled.status !== undefined || !readCanceled) return toOrder(canceled);
      const read = await call(() => readCanceled(ex, id, symbol)).catch(() => null);
      return read ? toOrder(read) : { ...toOrder({ ...canceled, symbol }), status: "canceled" };
    },
    async cancelAllOrders(symbol: string) {
      await ensureMarkets();
      // Trigger orders first, where the venue keeps them apart (and lists them with the plain ones).
      const cancelAllTriggers = profile.cancelAllTriggers;
      const triggers = cancelAllTriggers ? await call(() => cancelAllTriggers(ex, symbol)) : 0;
      const open = await call(() => ex.fetchOpenOrders(symbol));
      if (open.length === 0) return triggers;
      try {
        return triggers + (await call(() => profile.cancelAll(ex, symbol, open)));
      } catch (error) {
        // Binance answers "Unknown order sent." when nothing was left to cancel.
        if (error instanceof ExchangeError && error.code === "order_not_found") return triggers;
        throw error;
      }
    },
    async openOrders(symbol?: string) {
      await ensureMarkets();
      return (await call(() => ex.fetchOpenOrders(symbol))).map(toOrder);
    },
    async orderHistory({ symbol, limit = 100 }) {
      await ensureMarkets();
      const list = await call(() => profile.orderHistory(ex, symbol, limit));
      return list.map(toOrder).sort((a, b) => b.timestamp - a.timestamp);
    },
    async findOrderByClientId(clientOrderId: string, symbol: string) {
      await ensureMarkets();
      try {
        const found = await call(() => profile.findByClientId(ex, symbol, clientOrderId));
        if (!found) return null;
        const order = toOrder(found);
        return order.fee || order.fees || order.filled === "0" ? order : await withTradeFees(order);
      } catch (error) {
        if (error instanceof ExchangeError && error.code === "order_not_found") return null;
        throw error;
      }
    },
    ...(profile.closeTriggers ? { closeTriggers: true } : {}),
    ...(sendOco || placeOco
      ? {
          // Stops alone (no take-profit) rest natively only where a stop-loss-limit is one plain order.
          ...(sendOco ? { nativeStops: true } : {}),
          async createOco(request: OcoRequest) {
            await ensureMarkets();
            const m = ccxtMarket(request.symbol);
            const legs = placeOco
              ? (await call(() => placeOco(ex, m, request))).map(toOrder)
              : (await call(() => sendOco!(ex, m, request))).map((r) => toOrder(ex.parseOrder(r, m)));
            const takeProfit = legs.find((o) => o.clientOrderId === request.takeProfitClientOrderId);
            const stop = legs.find((o) => o.clientOrderId === request.stopClientOrderId);
            if (!takeProfit || !stop) throw new ExchangeError("unknown", "OCO answer without both legs");
            return { takeProfit, stop };
          },
        }
      : {}),
    async keyPermissions(): Promise<KeyPermissions> {
      return call(() => profile.keyPermissions(ex as unknown as ImplicitApi, config.marketType));
    },
    ...(perp ? { positions: perp.positions, setLeverage: perp.setLeverage, setMarginMode: perp.setMarginMode, fundingHistory: perp.fundingHistory } : {}),
  };
  return client;
}
