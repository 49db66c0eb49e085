import Decimal from "decimal.js";
import { perpFifoFill } from "./fifo-perp";

/** What the FIFO figures need of a fill ledger row (`FillRow` has it all). */
export interface LedgerFill {
  orderId: string;
  strategyId: string | null;
  accountId: string;
  symbol: string;
  side: "buy" | "sell";
  amount: string;
  quoteValue: string;
  fees: Record<string, string>;
  feeQuote: string;
  /** The quote price each priced third-asset fee was counted at. */
  feePrices: Record<string, string>;
  at: Date;
}

export interface OpenLots {
  strategyId: string | null;
  accountId: string;
  symbol: string;
  amount: string;
  cost: string;
}

/** What one closing fill realized, when: the daily series and the period figures are sums of these. */
export interface Realization {
  orderId: string;
  strategyId: string | null;
  accountId: string;
  symbol: string;
  at: Date;
  pnl: string;
  /** The same, parsed once for the sums made of it. */
  value: Decimal;
}

export interface FifoFigures {
  realizedPnl: string;
  realizedBySymbol: Record<string, string>;
  /** Closing orders that realized something (a sell filled in parts is one trade). */
  trades: number;
  wins: number;
  losses: number;
  /** wins / trades; null without trades. */
  winRate: string | null;
  grossProfit: string;
  /** As a positive amount. */
  grossLoss: string;
  averageWin: string | null;
  /** Negative. */
  averageLoss: string | null;
  /** grossProfit / grossLoss; null when nothing was lost. */
  profitFactor: string | null;
  /** Largest fall of the cumulative realized P&L from an earlier peak (the curve starts at 0), positive. */
  maxDrawdown: string;
  feesByCurrency: Record<string, string>;
  /** Fees counted in the quote asset (quote fees and third-asset fees priced at the fill's time). */
  feeInQuote: string;
  /** Third-asset fees with no price at the fill's time: kept apart, not in P&L. */
  unpricedFees: Record<string, string>;
  open: OpenLots[];
  /** Every closing fill's realized P&L, in the order they happened. */
  realizations: Realization[];
}

export interface Lot {
  amount: Decimal;
  cost: Decimal;
}

interface Book {
  strategyId: string | null;
  accountId: string;
  symbol: string;
  lots: Lot[];
}

const ZERO = new Decimal(0);

function add(into: Map<string, Decimal>, key: string, value: Decimal) {
  into.set(key, (into.get(key) ?? ZERO).add(value));
}

/** The FIFO book a fill belongs to: a strategy's, or an account's manual orders', in one symbol. */
export const bookKey = (row: { strategyId: string | null; accountId: string; symbol: string }) => `${row.strategyId ?? `manual:${row.accountId}`}|${row.symbol}`;

/**
 * One fill against its book's open lots (changed in place), booked the way the engine books positions:
 * a buy's lot holds what was received (less a fee in the base asset) at its quote value plus its
 * quote-counted fee; a sell realizes only what the book holds (coins beyond it were never the
 * strategy's), and a fee it paid in the base asset leaves the book with the coins sold. Returns what the
 * fill realized, or null when it closed nothing.
 */
export function fifoFill(lots: Lot[], row: Pick<LedgerFill, "symbol" | "side" | "amount" | "quoteValue" | "feeQuote"> & { baseFee: string | null }): Decimal | null {
  const feeQuote = new Decimal(row.feeQuote);
  const amount = new Decimal(row.amount);
  const value = new Decimal(row.quoteValue);
  const baseFee = row.baseFee ? new Decimal(row.baseFee) : ZERO;
  // A USDT perpetual: long and short lots, amounts in base units (see lib/engine/perp-book.ts).
  if (row.symbol.includes(":")) return perpFifoFill(lots, { side: row.side, amount, value, fee: feeQuote });
  if (row.side === "buy") {
    const received = amount.sub(baseFee);
    if (received.gt(0)) lots.push({ amount: received, cost: value.add(feeQuote) });
    return null;
  }
  const held = lots.reduce((sum, lot) => sum.add(lot.amount), ZERO);
  const sold = Decimal.min(amount, held);
  if (sold.lte(0) || amount.lte(0)) return null;
  const share = sold.div(amount);
  let gone = sold.add(Decimal.min(baseFee.mul(share), held.sub(sold)));
  let goneCost = ZERO;
  while (gone.gt(0) && lots.length > 0) {
    const lot = lots[0]!;
    if (lot.amount.lte(gone)) {
      goneCost = goneCost.add(lot.cost);
      gone = gone.sub(lot.amount);
      lots.shift();
    } else {
      const part = lot.cost.mul(gone).div(lot.amount);
      goneCost = goneCost.add(part);
      lot.amount = lot.amount.sub(gone);
      lot.cost = lot.cost.sub(part);
      gone = ZERO;
    }
  }
  return value.sub(feeQuote).mul(share).sub(goneCost);
}

const fixedRecord = (sums: Map<string, Decimal>) => Object.fromEntries([...sums].map(([key, value]) => [key, value.toFixed()]));

/**
 * Realized P&L by FIFO lots (`fifoFill`), per strategy (manual orders per account) and symbol, of a whole
 * ledger in memory. A trade is a closing order; like the positions' counters, one that made nothing
 * counts as a loss.
 */
export function fifoFigures(rows: LedgerFill[]): FifoFigures {
  const ordered = rows.map((row, i) => ({ row, i })).sort((a, b) => a.row.at.getTime() - b.row.at.getTime() || a.i - b.i);
  const books = new Map<string, Book>();
  const byOrder = new Map<string, Decimal>();
  const realizations: Realization[] = [];
  const realizedBySymbol = new Map<string, Decimal>();
  const feesByCurrency = new Map<string, Decimal>();
  const unpricedFees = new Map<string, Decimal>();
  let feeInQuote = ZERO;
  let cumulative = ZERO;
  let peak = ZERO;
  let maxDrawdown = ZERO;

  for (const { row } of ordered) {
    const [base = "", rest = ""] = row.symbol.split("/");
    const quote = rest.split(":")[0] ?? "";
    const key = bookKey(row);
    let book = books.get(key);
    if (!book) {
      book = { strategyId: row.strategyId, accountId: row.accountId, symbol: row.symbol, lots: [] };
      books.set(key, book);
    }
    for (const currency in row.fees) {
      const fee = new Decimal(row.fees[currency]!);
      add(feesByCurrency, currency, fee);
      if (currency !== base && currency !== quote && !row.feePrices[currency]) add(unpricedFees, currency, fee);
    }
    feeInQuote = feeInQuote.add(row.feeQuote);

    const realized = fifoFill(book.lots, { ...row, baseFee: row.fees[base] ?? null });
    if (realized) record(row, realized);
  }

  function record(row: LedgerFill, pnl: Decimal) {
    byOrder.set(row.orderId, (byOrder.get(row.orderId) ?? ZERO).add(pnl));
    realizations.push({ orderId: row.orderId, strategyId: row.strategyId, accountId: row.accountId, symbol: row.symbol, at: row.at, pnl: pnl.toFixed(), value: pnl });
    add(realizedBySymbol, row.symbol, pnl);
    cumulative = cumulative.add(pnl);
    if (cumulative.gt(peak)) peak = cumulative;
    else if (peak.sub(cumulative).gt(maxDrawdown)) maxDrawdown = peak.sub(cumulative);
  }

  let grossProfit = ZERO;
  let grossLoss = ZERO;
  let wins = 0;
  let losses = 0;
  for (const pnl of byOrder.values()) {
    if (pnl.gt(0)) {
      wins += 1;
      grossProfit = grossProfit.add(pnl);
    } else {
      losses += 1;
      grossLoss = grossLoss.sub(pnl);
    }
  }
  const trades = wins + losses;
  return {
    realizedPnl: cumulative.toFixed(),
    realizedBySymbol: fixedRecord(realizedBySymbol),
    trades,
    wins,
    losses,
    winRate: trades > 0 ? new Decimal(wins).div(trades).toFixed() : null,
    grossProfit: grossProfit.toFixed(),
    grossLoss: grossLoss.toFixed(),
    averageWin: wins > 0 ? grossProfit.div(wins).toFixed() : null,
    averageLoss: losses > 0 ? grossLoss.div(losses).neg().toFixed() : null,
    profitFactor: grossLoss.gt(0) ? grossProfit.div(grossLoss).toFixed() : null,
    maxDrawdown: maxDrawdown.toFixed(),
    feesByCurrency: fixedRecord(feesByCurrency),
    feeInQuote: feeInQuote.toFixed(),
    unpricedFees: fixedRecord(unpricedFees),
    open: [...books.values()]
      .filter((b) => b.lots.length > 0)
      .map((b) => ({
        strategyId: b.strategyId,
        accountId: b.accountId,
        symbol: b.symbol,
        amount: b.lots.reduce((s, l) => s.add(l.amount), ZERO).toFixed(),
        cost: b.lots.reduce((s, l) => s.add(l.cost), ZERO).toFixed(),
      })),
    realizations,
  };
}
