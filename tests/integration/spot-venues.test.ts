import { BinanceSimulator } from "../simulator/binance-simulator";
import { BitgetSimulator } from "../simulator/bitget-simulator";
import { BybitSimulator } from "../simulator/bybit-simulator";
import { OkxSimulator } from "../simulator/okx-simulator";
import { spotVenueSuite } from "./spot-venue-suite";

// The same spot lifecycle on every venue, through ccxt's real classes and our ExchangeClient; what each
// venue does only its own way (signing, key permissions, request shapes, fee quirks) is in <venue>-ccxt.test.ts.
type Logged = { requests: { method: string; path: string }[] };
const posts = (sim: Logged, path: string) => sim.requests.filter((r) => r.method === "POST" && r.path === path).length;
const HOLD_MS = 2_000;

// Binance: `newClientOrderId`; 429 with Retry-After; a 5xx on an order is "execution status unknown".
const binance = new BinanceSimulator();
const BINANCE_ORDER = "/api/v3/order";
spotVenueSuite({
  exchange: "binance",
  start: () => binance.start(),
  stop: () => binance.stop(),
  reset: () => binance.reset(),
  addAccount: (apiKey, balances) => binance.addAccount({ apiKey, secret: `secret-of-${apiKey}`, balances }),
  credentials: (apiKey) => ({ apiKey, secret: `secret-of-${apiKey}` }),
  desk: binance.desk,
  btc: "BTCUSDT",
  setPrice: (id, price) => binance.setPrice(id, price),
  createRequests: () => posts(binance, BINANCE_ORDER),
  loseNextAnswer: () => binance.injectFault({ kind: "timeout-after-accept", holdMs: HOLD_MS, path: BINANCE_ORDER }),
  rateLimitNext: () => binance.injectFault({ kind: "status", status: 429, retryAfter: 1, path: BINANCE_ORDER, method: "POST" }),
  outageNext: () => binance.injectFault({ kind: "status", status: 503, path: BINANCE_ORDER, method: "POST" }),
  outageCode: "exchange_down",
});

// Bybit v5, unified account: `orderLinkId`; the rate limit is retCode 10006 with HTTP 200.
const bybit = new BybitSimulator();
const BYBIT_ORDER = "/v5/order/create";
spotVenueSuite({
  exchange: "bybit",
  start: () => bybit.start(),
  stop: () => bybit.stop(),
  reset: () => bybit.reset(),
  addAccount: (apiKey, balances) => bybit.addAccount({ apiKey, secret: `secret-of-${apiKey}`, balances }),
  credentials: (apiKey) => ({ apiKey, secret: `secret-of-${apiKey}` }),
  desk: bybit.spot,
  btc: "BTCUSDT",
  setPrice: (id, price) => bybit.setPrice(id, price),
  createRequests: () => posts(bybit, BYBIT_ORDER),
  loseNextAnswer: () => bybit.injectFault({ kind: "timeout-after-accept", holdMs: HOLD_MS }),
  rateLimitNext: () => bybit.injectFault({ kind: "rate-limit", resetInMs: 1_000, path: BYBIT_ORDER }),
  outageNext: () => bybit.injectFault({ kind: "status", status: 503, path: BYBIT_ORDER }),
  outageCode: "exchange_down",
});

// OKX v5, SPOT in cash mode: `clOrdId` (letters and digits only), a passphrase; orders go through batch-orders.
const okx = new OkxSimulator();
const OKX_ORDER = "/api/v5/trade/batch-orders";
spotVenueSuite({
  exchange: "okx",
  start: () => okx.start(),
  stop: () => okx.stop(),
  reset: () => okx.reset(),
  addAccount: (apiKey, balances) => okx.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances }),
  credentials: (apiKey) => ({ apiKey, secret: `secret-of-${apiKey}`, password: `pass-of-${apiKey}` }),
  desk: okx.spot,
  btc: "BTC-USDT",
  setPrice: (id, price) => okx.setPrice(id, price),
  createRequests: () => posts(okx, OKX_ORDER) + posts(okx, "/api/v5/trade/order"),
  loseNextAnswer: () => okx.injectFault({ kind: "timeout-after-accept", holdMs: HOLD_MS }),
  rateLimitNext: () => okx.injectFault({ kind: "rate-limit", path: OKX_ORDER }),
  outageNext: () => okx.injectFault({ kind: "status", status: 503, path: OKX_ORDER }),
  outageCode: "exchange_down",
});

// Bitget v2, classic account: `clientOid`, a passphrase; a market buy is sent as what it spends in USDT.
const bitget = new BitgetSimulator();
const BITGET_ORDER = "/api/v2/spot/trade/place-order";
spotVenueSuite({
  exchange: "bitget",
  start: () => bitget.start(),
  stop: () => bitget.stop(),
  reset: () => bitget.reset(),
  addAccount: (apiKey, balances) => bitget.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances }),
  credentials: (apiKey) => ({ apiKey, secret: `secret-of-${apiKey}`, password: `pass-of-${apiKey}` }),
  desk: bitget.spot,
  btc: "BTCUSDT",
  setPrice: (id, price) => bitget.setPrice(id, price),
  createRequests: () => posts(bitget, BITGET_ORDER),
  loseNextAnswer: () => bitget.injectFault({ kind: "timeout-after-accept", holdMs: HOLD_MS }),
  rateLimitNext: () => bitget.injectFault({ kind: "rate-limit", path: BITGET_ORDER }),
  outageNext: () => bitget.injectFault({ kind: "status", status: 503, path: BITGET_ORDER }),
  outageCode: "exchange_down",
});
