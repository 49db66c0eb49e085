import { beforeEach, describe, expect, it } from "vitest";
import { SpotDesk, SpotRefusal, type SpotRefusalKind } from "../simulator/spot-desk";

const BTC = { id: "BTCUSDT", base: "BTC", quote: "USDT", tickSize: "0.01", lotSize: "0.000001", minQty: "0.00001", minNotional: "1", price: "50000" };
const K = "acct";

let desk: SpotDesk;
let n = 0;
const held = (coin: string) => {
  const b = desk.balance(K, coin);
  return [b.free.toFixed(), b.locked.toFixed()];
};
const refusal = (fn: () => unknown): SpotRefusalKind | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof SpotRefusal) return e.kind;
    throw e;
  }
};

beforeEach(() => {
  desk = new SpotDesk([BTC], () => `o${++n}`, { takerRate: "0.001", makerRate: "0.0005" });
  desk.setBalance(K, "USDT", "10000");
});

describe("spot desk", () => {
  it("fills a market buy by quantity whole at the last price, the taker fee in the coin received", () => {
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "0.1", clientId: "c1" });
    expect(o.status).toBe("filled");
    expect(o.filledQuote.toFixed()).toBe("5000");
    expect(held("USDT")).toEqual(["5000", "0"]);
    expect(held("BTC")).toEqual(["0.0999", "0"]);
    const [fill] = desk.fills(K, { orderId: o.id });
    expect([fill!.price.toFixed(), fill!.fee.toFixed(), fill!.feeCoin, fill!.maker]).toEqual(["50000", "0.0001", "BTC", false]);
  });

  it("sizes a market buy by cost: what the quote buys, rounded down to the lot", () => {
    desk.setPrice("BTCUSDT", "30000");
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", quoteQty: "100" });
    expect(o.qty.toFixed()).toBe("0.003333");
    expect(o.status).toBe("filled");
    expect(held("USDT")).toEqual(["9900.01", "0"]);
  });

  it("rests a limit buy with its funds locked and fills it as a maker when the price crosses", () => {
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.1", price: "40000" });
    expect(o.status).toBe("open");
    expect(held("USDT")).toEqual(["6000", "4000"]);
    desk.setPrice("BTCUSDT", "41000");
    expect(o.status).toBe("open");
    desk.setPrice("BTCUSDT", "39000");
    expect(o.status).toBe("filled");
    expect(held("USDT")).toEqual(["6000", "0"]);
    expect(held("BTC")).toEqual(["0.09995", "0"]);
    const [fill] = desk.fills(K);
    expect([fill!.price.toFixed(), fill!.maker]).toEqual(["40000", true]);
  });

  it("fires a conditional order once, when the price crosses its trigger, reserving nothing before", () => {
    desk.setBalance(K, "BTC", "0.2");
    const o = desk.place(K, { market: "BTCUSDT", side: "sell", type: "market", qty: "0.1", clientId: "sl", trigger: { price: "45000" } });
    expect([o.status, o.trigger?.direction]).toEqual(["waiting", "fall"]);
    expect(held("BTC")).toEqual(["0.2", "0"]);
    desk.setPrice("BTCUSDT", "44000");
    expect(o.status).toBe("filled");
    desk.setPrice("BTCUSDT", "50000");
    desk.setPrice("BTCUSDT", "43000");
    expect(desk.fills(K, { clientId: "sl" })).toHaveLength(1);
    expect(held("BTC")).toEqual(["0.1", "0"]);
    expect(held("USDT")).toEqual(["14395.6", "0"]);
  });

  it("refuses a duplicate client id and an order it cannot pay for, changing nothing", () => {
    desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.01", price: "40000", clientId: "dup" });
    const before = [held("USDT"), desk.orders(K).length];
    expect(refusal(() => desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "0.01", clientId: "dup" }))).toBe("duplicate_client_id");
    expect(refusal(() => desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "1", clientId: "big" }))).toBe("insufficient");
    expect(refusal(() => desk.place(K, { market: "BTCUSDT", side: "sell", type: "limit", qty: "0.01", price: "60000" }))).toBe("insufficient");
    expect(refusal(() => desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "0.000001" }))).toBe("below_minimum");
    expect(refusal(() => desk.place(K, { market: "ETHUSDT", side: "buy", type: "market", qty: "1" }))).toBe("unknown_market");
    expect([held("USDT"), desk.orders(K).length]).toEqual(before);
    expect(desk.fills(K)).toEqual([]);
  });

  it("cancels a resting order, releasing its lock, and refuses a second cancel", () => {
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.1", price: "40000", clientId: "c" });
    expect(desk.cancel(K, "BTCUSDT", { clientId: "c" }).status).toBe("canceled");
    expect(held("USDT")).toEqual(["10000", "0"]);
    expect(refusal(() => desk.cancel(K, "BTCUSDT", { id: o.id }))).toBe("finished");
    expect(refusal(() => desk.cancel(K, "BTCUSDT", { id: "nope" }))).toBe("not_found");
    desk.setPrice("BTCUSDT", "30000");
    expect(o.status).toBe("canceled");
  });

  it("cancels all live orders the filter matches, a waiting one as deactivated", () => {
    desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.01", price: "40000" });
    const stop = desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "0.01", trigger: { price: "55000" } });
    expect(desk.cancelAll(K, "BTCUSDT", { conditional: true }).map((o) => o.status)).toEqual(["deactivated"]);
    expect(stop.status).toBe("deactivated");
    expect(desk.orders(K, { statuses: ["open"] })).toHaveLength(1);
    expect(desk.cancelAll(K, undefined)).toHaveLength(1);
    expect(held("USDT")).toEqual(["10000", "0"]);
  });
});

describe("spot desk opt-in extras", () => {
  it("walks the book with a market order, fills what is there and expires the rest", () => {
    desk.setDepth("BTCUSDT", { asks: [{ price: "50010", qty: "0.01" }, { price: "50000", qty: "0.02" }] });
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "market", qty: "0.05" });
    expect([o.status, o.filled.toFixed(), o.filledQuote.toFixed()]).toEqual(["expired", "0.03", "1500.1"]);
    expect(desk.fills(K, { orderId: o.id }).map((f) => f.price.toFixed()).sort()).toEqual(["50000", "50010"]);
    expect(desk.depthOf("BTCUSDT")?.asks).toEqual([]);
    expect(held("USDT")).toEqual(["8499.9", "0"]);
  });

  it("fills a resting order a part at a time when a fill ratio is set", () => {
    desk.setFillRatio("BTCUSDT", "0.25");
    const o = desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.1", price: "40000" });
    desk.setPrice("BTCUSDT", "39000");
    expect([o.status, o.filled.toFixed()]).toEqual(["open", "0.025"]);
    expect(held("USDT")).toEqual(["6000", "3000"]);
    desk.setPrice("BTCUSDT", "39500", { fillRatio: 1 });
    expect([o.status, o.filled.toFixed()]).toEqual(["filled", "0.1"]);
    expect(held("USDT")).toEqual(["6000", "0"]);
  });

  it("expires what an IOC order cannot take at once, and a FOK order it cannot fill whole", () => {
    desk.setDepth("BTCUSDT", { asks: [{ price: "50000", qty: "0.01" }, { price: "50100", qty: "1" }] });
    const ioc = desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.03", price: "50000", timeInForce: "IOC" });
    expect([ioc.status, ioc.filled.toFixed(), ioc.locked.toFixed()]).toEqual(["expired", "0.01", "0"]);
    const fok = desk.place(K, { market: "BTCUSDT", side: "buy", type: "limit", qty: "0.03", price: "50000", timeInForce: "FOK" });
    expect([fok.status, fok.filled.toFixed()]).toEqual(["expired", "0"]);
    expect(held("USDT")).toEqual(["9500", "0"]);
  });

  it("holds a reserving stop-limit's funds while it waits, then rests it at its limit when it fires", () => {
    desk.setBalance(K, "BTC", "0.2");
    const o = desk.place(K, { market: "BTCUSDT", side: "sell", type: "limit", qty: "0.1", price: "42000", trigger: { price: "45000", reserve: true } });
    expect([o.status, ...held("BTC")]).toEqual(["waiting", "0.1", "0.1"]);
    desk.setPrice("BTCUSDT", "43000");
    expect([o.status, o.filled.toFixed()]).toEqual(["filled", "0.1"]);
    const rests = desk.place(K, { market: "BTCUSDT", side: "sell", type: "limit", qty: "0.1", price: "42450", trigger: { price: "42500", reserve: true } });
    desk.setPrice("BTCUSDT", "42400");
    expect([rests.status, rests.filled.toFixed(), ...held("BTC")]).toEqual(["open", "0", "0", "0.1"]);
    desk.cancel(K, "BTCUSDT", { id: rests.id });
    expect(held("BTC")).toEqual(["0.1", "0"]);
  });

  it("lets the legs of a group share one reserve: the leg that fills takes it, the others expire", () => {
    desk.setBalance(K, "BTC", "0.1");
    const legs = desk.placeGroup(
      K,
      [
        { market: "BTCUSDT", side: "sell", type: "limit", qty: "0.1", price: "55000", postOnly: true },
        { market: "BTCUSDT", side: "sell", type: "market", qty: "0.1", trigger: { price: "45000" } },
      ],
      "g1",
    );
    expect(legs.map((o) => o.status)).toEqual(["open", "waiting"]);
    expect(held("BTC")).toEqual(["0", "0.1"]);
    desk.setPrice("BTCUSDT", "56000");
    expect(legs.map((o) => o.status)).toEqual(["filled", "expired"]);
    expect(held("BTC")).toEqual(["0", "0"]);
    desk.setBalance(K, "BTC", "0.1");
    const [limit, stop] = desk.placeGroup(
      K,
      [
        { market: "BTCUSDT", side: "sell", type: "limit", qty: "0.1", price: "60000" },
        { market: "BTCUSDT", side: "sell", type: "market", qty: "0.1", trigger: { price: "50000" } },
      ],
      "g2",
    );
    desk.cancel(K, "BTCUSDT", { id: stop!.id });
    expect([limit!.status, stop!.status, ...held("BTC")]).toEqual(["canceled", "deactivated", "0.1", "0"]);
  });
});
