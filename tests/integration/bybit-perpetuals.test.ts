import { BybitSimulator } from "../simulator/bybit-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { perpVenueSuite } from "./perp-venue-suite";

// Bybit v5 linear: a unified account in one-way mode, `orderLinkId`, leverage and the account's margin mode set first.
const testDb = useTestDatabase();
const sim = new BybitSimulator();

perpVenueSuite(
  {
    exchange: "bybit",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, balances: {}, linear: true }),
    input: (apiKey) => ({ exchange: "bybit", label: "Bybit linear", spot: false, futures: true, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}` }),
    desk: sim.linear,
    positionsShowMarginMode: false,
    btc: "BTCUSDT",
    requests: () => sim.requests,
    settingPaths: ["POST /v5/account/set-margin-mode", "POST /v5/position/set-leverage"],
    orderPath: "POST /v5/order/create",
    fundingPath: "GET /v5/execution/list",
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    nativeTriggers: true,
  },
  testDb,
);
