import Decimal from "decimal.js";

/** One open perpetual lot: signed base (negative for a short) and its entry value in quote (positive). */
export interface PerpLot {
  amount: Decimal;
  cost: Decimal;
}

/**
 * A perpetual fill against its book's FIFO lots (all on one side at a time): the part against the side
 * held closes the oldest lots first and realizes (exit − entry) for longs, (entry − exit) for shorts; the
 * rest opens a lot on the fill's side. Returns the realized P&L, or null when nothing was closed.
 */
export function perpFifoFill(lots: PerpLot[], fill: { side: "buy" | "sell"; amount: Decimal; value: Decimal; fee: Decimal }): Decimal | null {
  if (fill.amount.lte(0)) return null;
  const sign = fill.side === "buy" ? 1 : -1;
  const held = lots.reduce((sum, lot) => sum.add(lot.amount), new Decimal(0));
  const opposite = held.mul(sign).lt(0) ? held.abs() : new Decimal(0);
  const closed = Decimal.min(fill.amount, opposite);
  let pnl: Decimal | null = null;
  if (closed.gt(0)) {
    let left = closed;
    let goneCost = new Decimal(0);
    while (left.gt(0) && lots.length > 0) {
      const lot = lots[0]!;
      const size = lot.amount.abs();
      if (size.lte(left)) {
        goneCost = goneCost.add(lot.cost);
        left = left.sub(size);
        lots.shift();
      } else {
        const part = lot.cost.mul(left).div(size);
        goneCost = goneCost.add(part);
        lot.amount = lot.amount.add(left.mul(sign));
        lot.cost = lot.cost.sub(part);
        left = new Decimal(0);
      }
    }
    const part = (v: Decimal) => v.mul(closed).div(fill.amount);
    pnl = fill.side === "sell" ? part(fill.value.sub(fill.fee)).sub(goneCost) : goneCost.sub(part(fill.value.add(fill.fee)));
  }
  const rest = fill.amount.sub(closed);
  if (rest.gt(0)) {
    const cost = (fill.side === "buy" ? fill.value.add(fill.fee) : fill.value.sub(fill.fee)).mul(rest).div(fill.amount);
    lots.push({ amount: rest.mul(sign), cost });
  }
  return pnl;
}
