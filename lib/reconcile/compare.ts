import Decimal from "decimal.js";
import type { BalanceLine, PositionLine } from "@/lib/exchanges/types";
import type { MismatchKind, MismatchMarket } from "@/db/schema/reconcile";

/** One strategy's booked position (base units; negative is short). */
export interface BookedLine {
  strategyId: string;
  symbol: string;
  amount: string;
}

/** What one comparison found for one asset (spot) or symbol (perpetual). */
export interface Comparison {
  market: MismatchMarket;
  asset: string;
  booked: string;
  held: string;
  difference: string;
  tolerance: string;
  strategyIds: string[];
  /** null: booked and held agree (within the tolerance, or more held than booked on spot). */
  kind: MismatchKind | null;
}

export const baseOf = (symbol: string) => symbol.split("/")[0] ?? symbol;

function grouped(booked: BookedLine[], keyOf: (line: BookedLine) => string) {
  const groups = new Map<string, { sum: Decimal; strategyIds: string[] }>();
  for (const line of booked) {
    const key = keyOf(line);
    const group = groups.get(key) ?? { sum: new Decimal(0), strategyIds: [] };
    group.sum = group.sum.add(line.amount);
    group.strategyIds.push(line.strategyId);
    groups.set(key, group);
  }
  return groups;
}

/**
 * Spot: one balance serves all of an account's strategies and the trader's own coins, so the strategies'
 * booked sum of an asset must be covered by its total (free + used). More held is the trader's own.
 * `steps` holds each asset's largest amount step among the strategies' markets: a shortfall up to it is dust.
 */
export function compareSpot(booked: BookedLine[], balances: BalanceLine[], steps: Map<string, string>, alsoAssets: string[] = []): Comparison[] {
  const groups = grouped(booked, (l) => baseOf(l.symbol));
  for (const asset of alsoAssets) if (!groups.has(asset)) groups.set(asset, { sum: new Decimal(0), strategyIds: [] });
  return [...groups].map(([asset, { sum, strategyIds }]) => {
    const line = balances.find((b) => b.asset === asset);
    const held = line ? new Decimal(line.free).add(line.used) : new Decimal(0);
    const difference = held.sub(sum);
    const tolerance = new Decimal(steps.get(asset) ?? 0);
    return {
      market: "spot",
      asset,
      booked: sum.toFixed(),
      held: held.toFixed(),
      difference: difference.toFixed(),
      tolerance: tolerance.toFixed(),
      strategyIds,
      kind: difference.neg().gt(tolerance) ? "shortfall" : null,
    };
  });
}

/** The venue's net position of a symbol in base units: longs less shorts, contracts × contract size. */
export function netPosition(lines: PositionLine[], symbol: string): Decimal {
  return lines
    .filter((p) => p.symbol === symbol)
    .reduce((net, p) => {
      const base = new Decimal(p.contracts).abs().mul(p.contractSize || 1);
      return p.side === "short" ? net.sub(base) : net.add(base);
    }, new Decimal(0));
}

/**
 * Perpetuals: the account's net position per symbol must equal the strategies' booked sum, either way.
 * `steps` holds each symbol's amount step in base units (contract step × contract size).
 */
export function comparePerpetual(booked: BookedLine[], positions: PositionLine[], steps: Map<string, string>, alsoSymbols: string[] = []): Comparison[] {
  const groups = grouped(booked, (l) => l.symbol);
  for (const symbol of alsoSymbols) if (!groups.has(symbol)) groups.set(symbol, { sum: new Decimal(0), strategyIds: [] });
  return [...groups].map(([symbol, { sum, strategyIds }]) => {
    const held = netPosition(positions, symbol);
    const difference = held.sub(sum);
    const tolerance = new Decimal(steps.get(symbol) ?? 0);
    return {
      market: "swap",
      asset: symbol,
      booked: sum.toFixed(),
      held: held.toFixed(),
      difference: difference.toFixed(),
      tolerance: tolerance.toFixed(),
      strategyIds,
      kind: difference.abs().lte(tolerance) ? null : difference.isNeg() ? "shortfall" : "excess",
    };
  });
}
