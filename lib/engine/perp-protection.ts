import "server-only";
import Decimal from "decimal.js";
import { getDb } from "@/db/client";
import { orders, type OrderLeg, type OrderRow, type Strategy } from "@/db/schema";
import { deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient, type Market } from "@/lib/exchanges";
import { ocoLegIds } from "@/lib/exchanges/venues/oco-ids";
import { cancelRow, isCloseTrigger, liveRows, sendRow, type SendResult } from "./lifecycle";
import { strategyBlock } from "./may-trade";
import { ensureLeverage } from "./leverage";
import { positionOf } from "./positions";
import { legHistory, refusedRecently } from "./refused-backoff";

type State = { state: "none" | "protected" | "unprotected"; note: string | null };

export interface PerpProtectionDeps {
  /** Stores the state the trader sees (and notifies a change), answering it. */
  record(state: State): Promise<State>;
  /** The symbol's last price, read once per monitor pass. */
  price(): Promise<string | null>;
}

const prefix = (leg: "tp" | "sl") => (leg === "tp" ? "tp" : "stop");

async function cancelAll(rows: OrderRow[], client: ExchangeClient): Promise<string | null> {
  for (const row of rows) {
    const result = await cancelRow(row, client);
    if (!result.done) return result.reason ?? "pending";
  }
  return null;
}

function waitReason(sent: SendResult): string {
  if (sent.status === "not_placed" || sent.status === "refused") return sent.error.code;
  return sent.status === "unknown" ? "network" : sent.status;
}

/** A leg's client order id: the pair's stem (`sb…t` / `sb…s`), numbered by the strategy's earlier rows of that leg. */
function legClientOrderId(strategy: Strategy, leg: "tp" | "sl", earlier: number) {
  const ids = ocoLegIds(deterministicClientOrderId(strategy.id, "protect", leg, String(earlier + 1)));
  return leg === "tp" ? ids.tp : ids.sl;
}

/** The take-profit and stop-loss trigger prices of a position (`held`: signed base, negative short). */
export function perpLevels(input: { held: string; costBasis: string; takeProfitPct: string | null; stopLossPct: string | null; priceStep: string }) {
  const held = new Decimal(input.held);
  const long = held.gt(0);
  const average = new Decimal(input.costBasis).div(held.abs());
  const side = long ? "sell" : "buy";
  const at = (pct: string, above: boolean) => roundPrice(average.mul(above ? Decimal.add(1, new Decimal(pct).div(100)) : Decimal.sub(1, new Decimal(pct).div(100))), input.priceStep, side);
  return {
    exitSide: side as "sell" | "buy",
    tp: input.takeProfitPct ? at(input.takeProfitPct, long) : null,
    sl: input.stopLossPct ? at(input.stopLossPct, !long) : null,
  };
}

/**
 * Protection of a USDT-perpetual position, kept by the venue where it can (else watched by the monitor): a stop-loss and a take-profit as conditional
 * market orders that close the whole position on its side (Binance USDT-M STOP_MARKET / TAKE_PROFIT_MARKET
 * with closePosition, GTE_GTC), so they fire with our servers down. Long: take-profit above, stop-loss
 * below; short: mirrored. Each is replaced (cancel confirmed first) when the position's size or average
 * changes, and goes when the position is closed (the venue expires the other one of a pair that fired;
 * this cancels it where it did not). A level already crossed closes the position at market instead.
 */
export async function ensurePerpProtection(strategy: Strategy, client: ExchangeClient, deps: PerpProtectionDeps): Promise<State> {
  const live = await liveRows(strategy.id, ["tp", "sl"]);
  const position = await positionOf(strategy.id);
  const market: Market = await client.market(strategy.symbol);
  const contracts = floorToStep(new Decimal(position.amount).abs().div(market.contractSize ?? "1"), market.amountStep);
  const wanted = Boolean(strategy.takeProfitPct || strategy.stopLossPct);
  // A close at market in flight is the exit: it is never canceled here.
  const closing = live.find((r) => r.type === "market" && !isCloseTrigger(r));
  if (!wanted || new Decimal(contracts).lte(0)) {
    const pending = await cancelAll(live.filter((r) => r !== closing), client);
    return deps.record({ state: "none", note: pending ? `removing:${pending}` : null });
  }
  // A switch that stops everything leaves the position unprotected (and says which).
  const off = await strategyBlock(strategy.id, "exit");
  if (off) return deps.record({ state: "unprotected", note: off });
  if (closing) return deps.record({ state: "protected", note: "stop_selling" });
  // Where the venue keeps no conditional close for us (a venue profile without `closeTriggers`), the levels
  // are watched: every pass of the order monitor compares the price with them and closes the position at
  // market (reduce-only) once one is crossed. It depends on our servers running, and the page says so.
  const watched = !client.closeTriggers;

  const levels = perpLevels({ held: position.amount, costBasis: position.costBasis, takeProfitPct: strategy.takeProfitPct, stopLossPct: strategy.stopLossPct, priceStep: market.priceStep });
  const long = levels.exitSide === "sell";
  // An entry or exit of the strategy still working: the position is about to change, protection follows it.
  const moving = (await liveRows(strategy.id, ["buy", "sell", "close"])).length > 0;
  const price = await deps.price();
  const db = await getDb();
  const notes: string[] = [];

  for (const leg of ["sl", "tp"] as const) {
    const trigger = levels[leg];
    const rows = live.filter((r) => r.leg === leg);
    const fits = (r: OrderRow) =>
      trigger !== null && isCloseTrigger(r) && r.side === levels.exitSide && new Decimal(r.triggerPrice!).eq(trigger) && new Decimal(r.amount).eq(contracts);
    const stale = rows.filter((r) => !fits(r));
    if (stale.length > 0) {
      const pending = await cancelAll(stale, client);
      if (pending) {
        notes.push(leg === "tp" ? `tp_replacing:${pending}` : `removing:${pending}`);
        continue;
      }
    }
    if (!trigger || rows.some(fits)) continue;
    if (moving) {
      notes.push("tp_waits_for_entry");
      continue;
    }
    // Already crossed (a stop under a long's price, a take-profit over it): the venue would refuse the
    // conditional order as firing at once, so the position is closed now.
    const crossed = price !== null && (leg === "sl" ? (long ? new Decimal(price).lte(trigger) : new Decimal(price).gte(trigger)) : long ? new Decimal(price).gte(trigger) : new Decimal(price).lte(trigger));
    // No price this pass: nothing is watched, and nothing is placed either (a venue that takes a trigger's
    // direction from the price when it is placed, as Bitget's plans do, would rest a stop already passed
    // as one waiting for the price to come back). The trader is told; the next pass looks again.
    if (price === null) {
      notes.push(`${prefix(leg)}_retrying:no_price`);
      continue;
    }
    if (watched && !crossed) continue;
    // Refused a moment ago for this very close: told, and tried again after a back-off, not every pass.
    const history = await legHistory(strategy.id, leg);
    const refused = refusedRecently(history, contracts, {
      same: (r) => (crossed ? r.triggerPrice === null : r.triggerPrice !== null && new Decimal(r.triggerPrice).eq(trigger)),
    });
    if (refused) {
      notes.push(`${prefix(leg)}_refused:${refused}`);
      if (crossed) break;
      continue;
    }
    // The venue's order carries the strategy's margin mode (OKX, Bitget): set on this client first, as
    // for an entry (a client built since, in another process or after its cache time, does not know it).
    await ensureLeverage(client, strategy.accountId, strategy);
    const [row] = await db
      .insert(orders)
      .values({
        userId: strategy.userId,
        accountId: strategy.accountId,
        source: "protective" as const,
        strategyId: strategy.id,
        leg: leg as OrderLeg,
        symbol: market.symbol,
        side: levels.exitSide,
        type: "market" as const,
        amount: contracts,
        reduceOnly: true,
        triggerPrice: crossed ? null : trigger,
        clientOrderId: legClientOrderId(strategy, leg, history.count),
        status: "sending" as const,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    const sent = await sendRow(row, client, { referencePrice: price ?? undefined });
    if (sent.status === "placed") {
      if (crossed) {
        // Closed and booked at once (a market close usually is): nothing is left to protect.
        if (new Decimal((await positionOf(strategy.id)).amount).isZero()) return deps.record({ state: "none", note: null });
        return deps.record({ state: "unprotected", note: leg === "sl" ? "stop_fired" : "tp_fired" });
      }
      continue;
    }
    if (sent.status === "refused") notes.push(`${prefix(leg)}_refused:${sent.error.code}`);
    else notes.push(`${prefix(leg)}_retrying:${waitReason(sent)}`);
    if (crossed) break;
  }
  const unprotected = notes.filter((n) => n !== "tp_waits_for_entry");
  if (watched && unprotected.length === 0) notes.push("watched");
  return deps.record({ state: unprotected.length > 0 ? "unprotected" : "protected", note: notes.join("; ") || null });
}
