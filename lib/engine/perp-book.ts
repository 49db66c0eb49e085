import Decimal from "decimal.js";

/**
 * Booking of USDT-perpetual fills. A perpetual position is booked in base units (contracts × the market's
 * contract size), signed: positive long, negative short. `costBasis` is the open position's entry value
 * in quote, always positive: for a long what was paid plus fees, for a short what was received less fees.
 * Closing realizes (exit − entry) × base for a long and (entry − exit) × base for a short.
 */
export interface PerpBook {
  amount: Decimal;
  costBasis: Decimal;
}

export interface PerpFill {
  side: "buy" | "sell";
  /** Base units of this fill. */
  base: Decimal;
  /** Its quote value (base × price). */
  value: Decimal;
  /** Its fee counted in quote. */
  fee: Decimal;
}

/** A perpetual's symbol in ccxt's unified form (BTC/USDT:USDT) names its settle currency after a colon. */
export function isPerpSymbol(symbol: string): boolean {
  return symbol.includes(":");
}

/** The book after one fill, and what it realized (null when it only opened or added). */
export function bookPerpFill(book: PerpBook, fill: PerpFill): PerpBook & { pnl: Decimal | null } {
  const sign = fill.side === "buy" ? 1 : -1;
  let { amount, costBasis } = book;
  if (fill.base.lte(0)) return { amount, costBasis, pnl: null };
  // The part of the fill that reduces the side held (a buy against a short, a sell against a long).
  const opposite = amount.mul(sign).lt(0) ? amount.abs() : new Decimal(0);
  const closed = Decimal.min(fill.base, opposite);
  let pnl: Decimal | null = null;
  if (closed.gt(0)) {
    const part = (v: Decimal) => v.mul(closed).div(fill.base);
    const goneBasis = closed.eq(opposite) ? costBasis : costBasis.mul(closed).div(opposite);
    // A long's exit receives value − fee; a short's exit pays value + fee.
    pnl = fill.side === "sell" ? part(fill.value.sub(fill.fee)).sub(goneBasis) : goneBasis.sub(part(fill.value.add(fill.fee)));
    amount = amount.add(closed.mul(sign));
    costBasis = costBasis.sub(goneBasis);
  }
  const rest = fill.base.sub(closed);
  if (rest.gt(0)) {
    amount = amount.add(rest.mul(sign));
    costBasis = costBasis.add((fill.side === "buy" ? fill.value.add(fill.fee) : fill.value.sub(fill.fee)).mul(rest).div(fill.base));
  }
  return { amount, costBasis, pnl };
}
