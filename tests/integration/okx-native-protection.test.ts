import { OkxSimulator } from "../simulator/okx-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { nativeProtectionSuite } from "./native-protection-suite";

// OKX keeps the pair as one spot OCO algo order under the pair's id (`algoClOrdId`).
const testDb = useTestDatabase();
const sim = new OkxSimulator();
const algos = (apiKey: string) => sim.account(apiKey).algos.algos;

nativeProtectionSuite(
  {
    exchange: "okx",
    start: () => sim.start(),
    stop: () => sim.stop(),
    addAccount: (apiKey) => sim.addAccount({ apiKey, secret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}`, balances: { USDT: "50000" } }),
    input: (apiKey) => ({ exchange: "okx", label: "OKX", spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-of-${apiKey}`, passphrase: `pass-of-${apiKey}` }),
    setPrice: (price) => sim.setPrice("BTC-USDT", price),
    baseHeld: (apiKey) => {
      const btc = sim.account(apiKey).balances.get("BTC");
      return btc ? btc.free.add(btc.frozen).toFixed() : "0";
    },
    waiting: (apiKey) => algos(apiKey).filter((a) => a.state === "live").map((a) => a.algoClOrdId),
    everPlaced: (apiKey) => algos(apiKey).map((a) => a.algoClOrdId),
    pairIds: (tp) => [tp.listClientOrderId!],
    loseNextAnswer: () => sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 }),
    filledSells: (apiKey) => sim.account(apiKey).orders.filter((o) => o.side === "sell" && o.state === "filled").length,
  },
  testDb,
);
