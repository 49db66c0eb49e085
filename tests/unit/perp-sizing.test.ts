import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { bookPerpFill } from "@/lib/engine/perp-book";
import { planPerp, sizePerpLeg, type PerpLeg, type PerpSizingInput } from "@/lib/engine/perp-plan";
import type { Market } from "@/lib/exchanges/types";

const swap = (symbol: string, contractSize: string, amountStep = "1", minAmount = "1"): Market => ({
  symbol,
  id: symbol,
  base: symbol.split("/")[0]!,
  quote: "USDT",
  type: "swap",
  amountStep,
  priceStep: "0.00001",
  minAmount,
  maxAmount: null,
  minCost: null,
  contractSize,
});
const DOGE = swap("DOGE/USDT:USDT", "1000");
const BTC = swap("BTC/USDT:USDT", "0.01", "0.01", "0.01");
const OPEN_LONG: PerpLeg = { leg: "buy", side: "buy", reduceOnly: false, size: "sized" };
const CLOSE_ALL_LONG: PerpLeg = { leg: "close", side: "sell", reduceOnly: true, size: "all" };

const sized = (over: Partial<PerpSizingInput>) =>
  sizePerpLeg({ leg: OPEN_LONG, sizingMode: "quote", sizingValue: "100", orderType: "market", limitOffsetPct: "0", price: "0.1", market: DOGE, leverage: 1, freeQuote: "1000", held: "0", ...over });

describe("perpetual sizing uses the contract size", () => {
  it("100 USDT of DOGE at 0.1 on a 1,000-DOGE contract is 1 contract, not 1,000", () => {
    expect(sized({})).toEqual({ ok: true, amount: "1", base: "1000", type: "market", price: undefined });
  });

  it("1,000 USDT of BTC at 50,000 on a 0.01-BTC contract is 2 contracts (0.02 BTC)", () => {
    expect(sized({ market: BTC, price: "50000", sizingValue: "1000" })).toMatchObject({ ok: true, amount: "2", base: "0.02" });
  });

  it("a base amount is coins: 2,500 DOGE is 2 contracts (floored)", () => {
    expect(sized({ sizingMode: "base", sizingValue: "2500" })).toMatchObject({ ok: true, amount: "2", base: "2000" });
  });

  it("leverage lowers the margin needed, not the size", () => {
    const input = { market: BTC, price: "50000", sizingValue: "3000", freeQuote: "1500" };
    expect(sized({ ...input, leverage: 1 })).toMatchObject({ ok: false, reason: "insufficient_balance" });
    expect(sized({ ...input, leverage: 3 })).toMatchObject({ ok: true, amount: "6", base: "0.06" });
  });

  it("percent sizing is of free margin times leverage", () => {
    expect(sized({ market: BTC, price: "50000", sizingMode: "percent", sizingValue: "50", freeQuote: "1000", leverage: 2 })).toMatchObject({ ok: true, amount: "2" });
  });

  it("closing takes the whole booked position in contracts, below one contract is refused", () => {
    expect(sized({ leg: CLOSE_ALL_LONG, held: "3000" })).toMatchObject({ ok: true, amount: "3", base: "3000" });
    expect(sized({ leg: CLOSE_ALL_LONG, held: "-0.03", market: BTC, price: "50000" })).toMatchObject({ ok: true, amount: "3" });
    expect(sized({ leg: CLOSE_ALL_LONG, held: "0" })).toMatchObject({ ok: false, reason: "no_position" });
    expect(sized({ leg: CLOSE_ALL_LONG, held: "500" })).toMatchObject({ ok: false, reason: "below_minimum" });
  });
});

describe("perpetual plan", () => {
  const legs = (action: "buy" | "sell" | "close", target: "long" | "short" | "flat" | null, held: string, allowShorts = false) => {
    const plan = planPerp({ action, target, held, allowShorts });
    return plan.ok ? plan.legs.map((l) => `${l.leg}:${l.side}${l.reduceOnly ? ":ro" : ""}`) : plan.reason;
  };

  it("follows the target position", () => {
    expect(legs("buy", "long", "0")).toEqual(["buy:buy"]);
    expect(legs("buy", "long", "1")).toEqual(["buy:buy"]);
    expect(legs("sell", "short", "1")).toEqual(["close:sell:ro", "sell:sell"]);
    expect(legs("buy", "long", "-1")).toEqual(["close:buy:ro", "buy:buy"]);
    expect(legs("sell", "flat", "1")).toEqual(["close:sell:ro"]);
    expect(legs("buy", "flat", "-1")).toEqual(["close:buy:ro"]);
    expect(legs("sell", "flat", "0")).toBe("no_position");
    expect(legs("sell", "long", "2")).toEqual(["close:sell:ro"]);
  });

  it("without a target: buy opens long or closes a short; sell closes a long or opens a short when allowed", () => {
    expect(legs("buy", null, "0")).toEqual(["buy:buy"]);
    expect(legs("buy", null, "-1")).toEqual(["close:buy:ro"]);
    expect(legs("sell", null, "1")).toEqual(["close:sell:ro"]);
    expect(legs("sell", null, "0")).toBe("no_position");
    expect(legs("sell", null, "0", true)).toEqual(["sell:sell"]);
    expect(legs("close", null, "-1")).toEqual(["close:buy:ro"]);
  });
});

describe("perpetual booking", () => {
  const d = (v: string) => new Decimal(v);
  it("a short realizes (entry - exit) x base, fees included", () => {
    let book = { amount: d("0"), costBasis: d("0") };
    const opened = bookPerpFill(book, { side: "sell", base: d("0.02"), value: d("1000"), fee: d("0.5") });
    expect(opened.pnl).toBeNull();
    expect([opened.amount.toFixed(), opened.costBasis.toFixed()]).toEqual(["-0.02", "999.5"]);
    book = opened;
    const half = bookPerpFill(book, { side: "buy", base: d("0.01"), value: d("450"), fee: d("0.2") });
    expect(half.pnl!.toFixed()).toBe("49.55"); // 499.75 - 450.2
    const rest = bookPerpFill(half, { side: "buy", base: d("0.01"), value: d("520"), fee: d("0.3") });
    expect(rest.pnl!.toFixed()).toBe("-20.55"); // 499.75 - 520.3
    expect(rest.amount.toFixed()).toBe("0");
  });

  it("a fill past the position reverses it", () => {
    const book = bookPerpFill({ amount: d("1"), costBasis: d("100") }, { side: "sell", base: d("3"), value: d("330"), fee: d("0") });
    expect([book.pnl!.toFixed(), book.amount.toFixed(), book.costBasis.toFixed()]).toEqual(["10", "-2", "220"]);
  });
});
