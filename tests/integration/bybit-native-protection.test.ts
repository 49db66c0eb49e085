import { BybitSimulator } from "../simulator/bybit-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { nativeProtectionSuite } from "./native-protection-suite";

// Bybit spot keeps each leg as a conditional order (`orderFilter: StopOrder`) under the leg's orderLinkId.
const testDb = useTestDatabase();
const sim = new BybitSimulator();
const orders = (apiKey: string) => sim.account(apiKey).orders;

nativeProtectionSuite(
  {
    exchange: "bybit",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, balances: { USDT: "50000" } }),
    input: (apiKey) => ({ exchange: "bybit", label: "Bybit", spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}` }),
    setPrice: (price) => sim.setPrice("BTCUSDT", price),
    baseHeld: (apiKey) => {
      const btc = sim.account(apiKey).balances.get("BTC");
      return btc ? btc.free.add(btc.locked).toFixed() : "0";
    },
    waiting: (apiKey) => orders(apiKey).filter((o) => o.status === "Untriggered").map((o) => o.orderLinkId),
    everPlaced: (apiKey) => orders(apiKey).filter((o) => o.stopOrderType === "Stop").map((o) => o.orderLinkId),
    pairIds: (tp, sl) => [tp.clientOrderId, sl.clientOrderId],
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    filledSells: (apiKey) => orders(apiKey).filter((o) => o.side === "Sell" && o.status === "Filled").length,
    failNextCancel: () => sim.injectFault({ kind: "status", status: 503, path: "/v5/order/cancel" }),
  },
  testDb,
);
