/**
 * OKX USDT-margined perpetual (SWAP) instruments for the OKX simulator, as `GET /api/v5/public/instruments
 * ?instType=SWAP` lists them: a contract is `ctVal` of the base coin (DOGE-USDT-SWAP 1,000 DOGE,
 * BTC-USDT-SWAP 0.01 BTC), and sizes (`lotSz`, `minSz`) are in contracts.
 */
export interface OkxSwapInstrument {
  instId: string;
  base: string;
  ctVal: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
}

export const OKX_SWAPS: OkxSwapInstrument[] = [
  { instId: "BTC-USDT-SWAP", base: "BTC", ctVal: "0.01", tickSz: "0.1", lotSz: "0.01", minSz: "0.01" },
  { instId: "ETH-USDT-SWAP", base: "ETH", ctVal: "0.1", tickSz: "0.01", lotSz: "0.01", minSz: "0.01" },
  { instId: "DOGE-USDT-SWAP", base: "DOGE", ctVal: "1000", tickSz: "0.00001", lotSz: "1", minSz: "1" },
];

export function okxSwapInstruments() {
  return OKX_SWAPS.map((m) => ({
    instType: "SWAP",
    instId: m.instId,
    uly: `${m.base}-USDT`,
    instFamily: `${m.base}-USDT`,
    category: "1",
    baseCcy: "",
    quoteCcy: "",
    settleCcy: "USDT",
    ctVal: m.ctVal,
    ctMult: "1",
    ctValCcy: m.base,
    optType: "",
    stk: "",
    listTime: "1606468572000",
    expTime: "",
    lever: "100",
    tickSz: m.tickSz,
    lotSz: m.lotSz,
    minSz: m.minSz,
    ctType: "linear",
    alias: "",
    state: "live",
    ruleType: "normal",
    maxLmtSz: "100000",
    maxMktSz: "20000",
    maxLmtAmt: "20000000",
    maxMktAmt: "",
    maxTwapSz: "100000",
    maxIcebergSz: "100000",
    maxTriggerSz: "100000",
    maxStopSz: "20000",
  }));
}
