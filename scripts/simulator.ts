/**
 * Runs the local Binance spot simulator (`npm run simulator`). Point the app at it with
 * EXCHANGE_API_OVERRIDE=http://127.0.0.1:9400, then add a Binance account with the demo key below.
 */
import { BinanceSimulator } from "../tests/simulator/binance-simulator";

const port = Number(process.env.SIMULATOR_PORT ?? 9400);
const apiKey = process.env.SIMULATOR_API_KEY ?? "demo-api-key-0001";
const secret = process.env.SIMULATOR_API_SECRET ?? "demo-api-secret-0001";

const sim = new BinanceSimulator();
const url = await sim.start(port);
sim.addAccount({ apiKey, secret, balances: { USDT: "10000", BTC: "0.25", ETH: "2" } });
console.log(`Binance simulator listening on ${url}`);
console.log(`  demo account: API key ${apiKey} / secret ${secret}`);
console.log(`  control: POST ${url}/__sim/price {"symbol":"BTCUSDT","price":"61000"}, POST ${url}/__sim/accounts, GET ${url}/__sim/state`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void sim.stop().then(() => process.exit(0));
  });
}
