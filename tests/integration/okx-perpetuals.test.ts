import { OkxSimulator } from "../simulator/okx-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { perpVenueSuite } from "./perp-venue-suite";

// OKX SWAP: `tdMode` isolated on each order, net position mode, `clOrdId`, leverage by set-leverage;
// take-profit and stop-loss as conditional algo orders under `algoClOrdId`.
const testDb = useTestDatabase();
const sim = new OkxSimulator();

perpVenueSuite(
  {
    exchange: "okx",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: {}, swap: true }),
    input: (apiKey) => ({ exchange: "okx", label: "OKX SWAP", spot: false, futures: true, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` }),
    desk: sim.swap,
    positionsShowMarginMode: true,
    btc: "BTC-USDT-SWAP",
    requests: () => sim.requests,
    settingPaths: ["POST /api/v5/account/set-leverage"],
    orderPath: "POST /api/v5/trade/batch-orders",
    fundingPath: "GET /api/v5/account/bills-archive",
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    nativeTriggers: true,
  },
  testDb,
);
