import { BitgetSimulator } from "../simulator/bitget-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { perpVenueSuite } from "./perp-venue-suite";

// Bitget v2 mix, USDT-FUTURES: one-way mode, `clientOid`, the margin mode set per symbol and sent on each order.
const testDb = useTestDatabase();
const sim = new BitgetSimulator();

perpVenueSuite(
  {
    exchange: "bitget",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: {} }),
    input: (apiKey) => ({ exchange: "bitget", label: "Bitget USDT-M", spot: false, futures: true, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` }),
    desk: sim.mix,
    positionsShowMarginMode: true,
    btc: "BTCUSDT",
    requests: () => sim.requests,
    settingPaths: ["POST /api/v2/mix/account/set-margin-mode", "POST /api/v2/mix/account/set-leverage"],
    orderPath: "POST /api/v2/mix/order/place-order",
    fundingPath: "GET /api/v2/mix/account/bill",
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    nativeTriggers: true,
  },
  testDb,
);
