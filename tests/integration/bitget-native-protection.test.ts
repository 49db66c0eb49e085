import { BitgetSimulator } from "../simulator/bitget-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { nativeProtectionSuite } from "./native-protection-suite";

// Bitget spot keeps each leg as a plan order (`place-plan-order`) under the leg's clientOid.
const testDb = useTestDatabase();
const sim = new BitgetSimulator();
const plans = (apiKey: string) => sim.account(apiKey).plans.plans;

nativeProtectionSuite(
  {
    exchange: "bitget",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: { USDT: "50000" } }),
    input: (apiKey) => ({ exchange: "bitget", label: "Bitget", spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` }),
    setPrice: (price) => sim.setPrice("BTCUSDT", price),
    baseHeld: (apiKey) => {
      const btc = sim.account(apiKey).balances.get("BTC");
      return btc ? btc.free.add(btc.locked).toFixed() : "0";
    },
    waiting: (apiKey) => plans(apiKey).filter((p) => p.status === "live").map((p) => p.clientOid),
    everPlaced: (apiKey) => plans(apiKey).map((p) => p.clientOid),
    pairIds: (tp, sl) => [tp.clientOrderId, sl.clientOrderId],
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    filledSells: (apiKey) => sim.account(apiKey).orders.filter((o) => o.side === "sell" && o.status === "filled").length,
    failNextCancel: () => sim.injectFault({ kind: "status", status: 503, path: "/api/v2/spot/trade/cancel-order" }),
  },
  testDb,
);
