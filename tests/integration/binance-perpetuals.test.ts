import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { perpVenueSuite } from "./perp-venue-suite";

// Binance USDT-M: margin type and leverage per symbol set first, one-way positions, `newClientOrderId`;
// take-profit and stop-loss as Algo Service conditional orders (closePosition, GTE_GTC) under `clientAlgoId`.
const testDb = useTestDatabase();
const sim = new BinanceSimulator();

perpVenueSuite(
  {
    exchange: "binance",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}` }),
    input: (apiKey) => ({ exchange: "binance", label: "Binance USDT-M", spot: false, futures: true, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}` }),
    desk: sim.futures.desk,
    positionsShowMarginMode: true,
    positionsShowLeverage: false,
    btc: "BTCUSDT",
    requests: () => sim.requests,
    settingPaths: ["POST /fapi/v1/marginType", "POST /fapi/v1/leverage"],
    orderPath: "POST /fapi/v1/order",
    fundingPath: "GET /fapi/v1/income",
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000, path: "/fapi/v1/order" }),
    nativeTriggers: true,
  },
  testDb,
);
