import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sizePerpLeg } from "@/lib/engine/perp-plan";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import type { ExchangeClient } from "@/lib/exchanges/types";
import { OkxSimulator } from "../simulator/okx-simulator";

// OKX SWAP contract sizes read through ccxt's own okx market parsing, and orders sized in contracts from them.
const sim = new OkxSimulator();
let client: ExchangeClient;

beforeAll(async () => {
  const url = await sim.start();
  client = await createCcxtClient({ exchange: "okx", marketType: "swap", sandbox: false, apiOverride: url, timeoutMs: 3_000 });
});
afterAll(() => sim.stop());

const open = { leg: "buy" as const, side: "buy" as const, reduceOnly: false as const, size: "sized" as const };

describe("OKX USDT perpetuals", () => {
  it("lists the SWAP markets with their contract sizes", async () => {
    const markets = await client.markets();
    expect(markets.map((m) => [m.symbol, m.type, m.contractSize, m.amountStep])).toEqual([
      ["BTC/USDT:USDT", "swap", "0.01", "0.01"],
      ["DOGE/USDT:USDT", "swap", "1000", "1"],
      ["ETH/USDT:USDT", "swap", "0.1", "0.01"],
    ]);
  });

  it("100 USDT of DOGE at 0.1 is 1 contract of 1,000 DOGE, not 1,000 contracts", async () => {
    const market = await client.market("DOGE/USDT:USDT");
    const sized = sizePerpLeg({ leg: open, sizingMode: "quote", sizingValue: "100", orderType: "market", limitOffsetPct: "0", price: "0.1", market, leverage: 1, freeQuote: "1000", held: "0" });
    expect(sized).toMatchObject({ ok: true, amount: "1", base: "1000" });
  });

  it("1,000 USDT of BTC at 50,000 is 2 contracts of 0.01 BTC (0.02 BTC)", async () => {
    const market = await client.market("BTC/USDT:USDT");
    const sized = sizePerpLeg({ leg: open, sizingMode: "quote", sizingValue: "1000", orderType: "market", limitOffsetPct: "0", price: "50000", market, leverage: 5, freeQuote: "1000", held: "0" });
    expect(sized).toMatchObject({ ok: true, amount: "2", base: "0.02" });
  });
});
