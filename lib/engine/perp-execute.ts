import "server-only";
import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { PlanRow } from "@/db/queries/strategies";
import { intentRow } from "@/db/queries/orders";
import { orders, type OrderRow, type SignalEvent } from "@/db/schema";
import { deterministicClientOrderId, ExchangeError, type ExchangeClient } from "@/lib/exchanges";
import { insertPerpWithinCaps } from "./caps";
import { RetryLater, WaitFor } from "./errors";
import { ensureLeverage } from "./leverage";
import { lifecycleTiming, liveRows, resolveRow, sendRow, type SendResult } from "./lifecycle";
import { log } from "@/lib/logger";
import { planPerp, sizePerpLeg, type PerpLeg, type TargetPosition } from "./perp-plan";
import type { SkipReason } from "./plan";
import { positionOf } from "./positions";
import { BUSY, cancelRows, protect, withStrategyLease } from "./protection";

type Outcome = "sent" | "skipped" | "failed";

export interface PerpContext {
  event: SignalEvent;
  strategy: PlanRow["strategy"];
  client: ExchangeClient;
  deadline: Date;
  guard?: () => Promise<void>;
  recheck: () => Promise<string | null>;
  /** The switches for an opening order (entries may be paused while exits go on). */
  entryBlocked: () => Promise<SkipReason | null>;
  skip(reason: SkipReason, detail?: Record<string, string>): Promise<"skipped">;
  record(values: { outcome: "sent" | "failed" | "waiting" | "skipped"; reason?: string | null; detail?: Record<string, string> | null; orderId?: string | null }): Promise<void>;
  backoffMs: number;
}

const LIVE = ["sending", "unknown", "retry"];
const legOf = (row: OrderRow): PerpLeg =>
  row.reduceOnly ? { leg: "close", side: row.side, reduceOnly: true, size: "sized" } : { leg: row.side, side: row.side, reduceOnly: false, size: "sized" };

/**
 * One signal on a USDT-perpetual strategy: its legs (a reversal is a reduceOnly close, then the open on
 * the other side), each its own row and client order id, sent in order under the position lease. A leg
 * sent on an earlier attempt is resumed, never planned again; the open waits until the close has filled.
 */
export async function executePerp(ctx: PerpContext): Promise<Outcome> {
  const { event, strategy, client } = ctx;
  const action = event.action as "buy" | "sell" | "close";
  const result = await withStrategyLease(strategy.id, async (): Promise<Outcome> => {
    const db = await getDb();
    const rows = await db.select().from(orders).where(and(eq(orders.strategyId, strategy.id), eq(orders.eventId, event.id)));
    const position = await positionOf(strategy.id);
    const plan = planPerp({ action, target: (event.targetPosition ?? null) as TargetPosition | null, held: position.amount, allowShorts: strategy.allowShorts });
    // The legs already written lead; a fresh plan adds what they do not cover (the open after a filled close).
    const legs: PerpLeg[] = rows.sort((a, b) => Number(b.reduceOnly) - Number(a.reduceOnly)).map(legOf);
    if (plan.ok) for (const leg of plan.legs) if (!legs.some((l) => l.leg === leg.leg)) legs.push(leg);
    if (legs.length === 0) return ctx.skip(plan.ok ? "no_position" : plan.reason);

    const ids: string[] = [];
    for (const [i, leg] of legs.entries()) {
      let row = rows.find((r) => r.leg === leg.leg);
      let sent: SendResult | null = null;
      if (!row) {
        if (Date.now() > ctx.deadline.getTime()) return ctx.skip("expired", ids.length ? { done: ids.join(",") } : undefined);
        // The position is about to be closed or turned: its take-profit and stop-loss go first (confirmed),
        // and are placed again for the new position once the signal is done (a reversal never meets old
        // ones). An add on the same side keeps them: they close the whole position, the added part too, so
        // a resting add never leaves the position without a stop; the monitor moves their levels after.
        const held = new Decimal(position.amount);
        const adds = !leg.reduceOnly && ((leg.side === "buy" && held.gt(0)) || (leg.side === "sell" && held.lt(0)));
        const pending = adds ? null : await cancelRows(await liveRows(strategy.id, ["tp", "sl"]), client);
        if (pending) throw new WaitFor(`exit_waits_for_cancel:${pending}`);
        const placed = await place(leg);
        if ("skipped" in placed) return placed.skipped;
        ({ row, sent } = placed);
      } else if (LIVE.includes(row.status)) {
        sent = await resolveRow(row, client, { referencePrice: event.price ?? undefined, guard: ctx.guard, recheck: ctx.recheck });
        if (sent.status === "busy") throw new RetryLater("order row is being sent by another worker", 1_000);
      } else if (row.status === "rejected" || ((row.status === "canceled" || row.status === "expired") && new Decimal(row.filled).isZero())) {
        // A leg that ended without trading stops the legs after it (no short opened beside a long left open).
        const skipped = row.status !== "rejected";
        await ctx.record({ outcome: skipped ? "skipped" : "failed", reason: row.error?.code ?? row.status, orderId: row.id });
        return skipped ? "skipped" : "failed";
      }
      const settled = sent ? await conclude(row, sent) : null;
      if (settled) return settled;
      ids.push(row.id);
      if (i < legs.length - 1) {
        // The open waits for the close to have filled (it may rest a moment on some venues).
        const [fresh] = await db.select().from(orders).where(eq(orders.id, row.id));
        if (fresh && ["open", "partially_filled", ...LIVE].includes(fresh.status)) throw new WaitFor("close_not_filled");
      }
    }
    await ctx.record({ outcome: "sent", detail: ids.length > 1 ? { orders: ids.join(",") } : null, orderId: ids[ids.length - 1] ?? null });
    return "sent";
  });
  if (result === BUSY) throw new WaitFor("position_busy");
  if (result === "sent" && (strategy.takeProfitPct || strategy.stopLossPct)) {
    // Protection follows the position at once; the order monitor makes it right if this fails.
    await protect(strategy.id, client).catch((error: unknown) => log({ strategyId: strategy.id }).warn({ err: error }, "protection left to the monitor"));
  }
  return result;

  /** The outcome to stop at, or null when the leg is placed and the next may go. */
  async function conclude(row: OrderRow, sent: SendResult): Promise<Outcome | null> {
    switch (sent.status) {
      case "placed":
        return null;
      case "switched_off":
        await ctx.record({ outcome: "skipped", reason: sent.reason, orderId: row.id });
        return "skipped";
      case "expired":
        await ctx.record({ outcome: "skipped", reason: "expired", orderId: row.id });
        return "skipped";
      case "refused":
        await ctx.record({ outcome: "failed", reason: sent.error.code, orderId: row.id });
        return "failed";
      default: {
        const reason = sent.status === "not_placed" ? sent.error.code : sent.status;
        await ctx.record({ outcome: "waiting", reason, orderId: row.id });
        throw new RetryLater(reason, sent.status === "unknown" ? lifecycleTiming.lookupGraceMs : ctx.backoffMs);
      }
    }
  }

  async function place(leg: PerpLeg): Promise<{ row: OrderRow; sent: SendResult } | { skipped: "skipped" }> {
    if (!leg.reduceOnly) {
      const blocked = await ctx.entryBlocked();
      if (blocked) return { skipped: await ctx.skip(blocked) };
    }
    const market = await client.market(strategy.symbol);
    const price =
      event.price ??
      (await client.ticker(strategy.symbol).then(
        (t) => t.last,
        (error: unknown) => {
          if (error instanceof ExchangeError && error.code === "no_price") return null;
          throw error;
        },
      ));
    if (!price) return { skipped: await ctx.skip("no_price") };
    const [balances, position] = await Promise.all([client.balance({ sharedFor: event.id }), positionOf(strategy.id)]);
    const sized = sizePerpLeg({
      leg,
      sizingMode: strategy.sizingMode,
      sizingValue: strategy.sizingValue,
      orderType: strategy.orderType,
      limitOffsetPct: strategy.limitOffsetPct,
      price,
      market,
      leverage: strategy.leverage,
      freeQuote: balances.find((b) => b.asset === market.quote)?.free ?? "0",
      held: position.amount,
    });
    if (!sized.ok) return { skipped: await ctx.skip(sized.reason, sized.detail) };
    if (!leg.reduceOnly && strategy.maxPosition !== null) {
      // A quick skip before any exchange call; insertPerpWithinCaps checks again, atomically, with the insert.
      const held = new Decimal(position.amount).mul(leg.side === "buy" ? 1 : -1);
      const after = Decimal.max(held, 0).add(sized.base);
      if (after.gt(strategy.maxPosition)) return { skipped: await ctx.skip("max_position", { max: strategy.maxPosition, after: after.toFixed() }) };
    }
    await ensureLeverage(client, strategy.accountId, strategy);
    const values = {
      userId: strategy.userId,
      accountId: strategy.accountId,
      source: event.test ? ("test" as const) : ("signal" as const),
      strategyId: strategy.id,
      eventId: event.id,
      leg: leg.leg,
      clientOrderId: deterministicClientOrderId(event.id, strategy.id, leg.leg),
      symbol: market.symbol,
      side: leg.side,
      type: sized.type,
      amount: sized.amount,
      price: sized.price ?? null,
      reduceOnly: leg.reduceOnly,
      status: "sending" as const,
      sendBy: ctx.deadline,
    };
    const db = await getDb();
    let row: OrderRow | undefined;
    if (leg.reduceOnly) {
      [row] = await db.insert(orders).values(values).onConflictDoNothing().returning();
    } else {
      const capped = await insertPerpWithinCaps(strategy, values, market.contractSize ?? "1");
      if (!capped.ok) return { skipped: await ctx.skip(capped.reason, capped.detail) };
      row = capped.row;
    }
    if (!row) {
      row = await intentRow({ strategyId: strategy.id, eventId: event.id, leg: leg.leg });
      if (!row) throw new RetryLater("order row vanished", 1_000);
      return { row, sent: await resolveRow(row, client, { referencePrice: price, guard: ctx.guard, recheck: ctx.recheck }) };
    }
    return { row, sent: await sendRow(row, client, { referencePrice: price, guard: ctx.guard, recheck: ctx.recheck }) };
  }
}
