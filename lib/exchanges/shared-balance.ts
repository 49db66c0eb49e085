import "server-only";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { cachedValue, getSharedCache } from "@/lib/cache";
import type { BalanceLine, CreateOrderRequest, ExchangeClient, ExchangeOrder } from "./types";

/** How long an account's balance read is shared (mutable for tests). */
export const balanceCacheTiming = { ttlMs: 5_000 };

interface Kept {
  lines: BalanceLine[];
  readAt: number;
}

interface Effect {
  /** Traded: free and total move by this (signed). */
  moved: Map<string, Decimal>;
  /** Reserved by a resting order: from free to used. */
  reserved: Map<string, Decimal>;
}

const add = (m: Map<string, Decimal>, asset: string, v: Decimal) => m.set(asset, (m.get(asset) ?? new Decimal(0)).add(v));

/**
 * What a spot order of ours did to the balance, where it can be told exactly: a filled order's trade and
 * fees, a resting limit's reservation, a resting sell's amount. Null otherwise (a partial fill, an answer
 * without a cost).
 */
function effectOf(request: CreateOrderRequest, order: ExchangeOrder, base: string, quote: string): Effect | null {
  const effect: Effect = { moved: new Map(), reserved: new Map() };
  if (order.status === "filled") {
    const cost = new Decimal(order.cost);
    if (cost.lte(0)) return null;
    const filled = new Decimal(order.filled);
    add(effect.moved, base, request.side === "buy" ? filled : filled.neg());
    add(effect.moved, quote, request.side === "buy" ? cost.neg() : cost);
    for (const fee of order.fees ?? (order.fee ? [order.fee] : [])) add(effect.moved, fee.currency, new Decimal(fee.cost).neg());
    return effect;
  }
  if (order.status !== "open" || new Decimal(order.filled).gt(0)) return null;
  if (request.side === "sell") add(effect.reserved, base, new Decimal(request.amount));
  else if (request.type === "limit" && request.price) add(effect.reserved, quote, new Decimal(request.amount).mul(request.price));
  else return null;
  return effect;
}

function apply(lines: BalanceLine[], effect: Effect): BalanceLine[] {
  const assets = new Set([...lines.map((l) => l.asset), ...effect.moved.keys(), ...effect.reserved.keys()]);
  return [...assets].sort().map((asset) => {
    const line = lines.find((l) => l.asset === asset) ?? { asset, free: "0", used: "0", total: "0" };
    const moved = effect.moved.get(asset) ?? new Decimal(0);
    const reserved = effect.reserved.get(asset) ?? new Decimal(0);
    return {
      asset,
      free: Decimal.max(new Decimal(line.free).add(moved).sub(reserved), 0).toFixed(),
      used: new Decimal(line.used).add(reserved).toFixed(),
      total: Decimal.max(new Decimal(line.total).add(moved), 0).toFixed(),
    };
  });
}

/**
 * The client with the account's balance read, when asked `{ sharedFor: <signal event id> }` (sizing that
 * signal's orders), shared for a few seconds by every server (`scope`: the account and market type), so
 * one signal fanned out to many strategies of the account reads it once; the next signal reads afresh,
 * as does any read without the key. Our own orders keep the shared read true: a spot order whose effect
 * is known exactly (a filled order's trade and fees, a resting order's reservation) is applied to it;
 * anything else (a perpetual's margin, a partial fill, an order whose outcome is unknown, a cancel) drops
 * it, and the next read asks the venue.
 */
export function withSharedBalance(client: ExchangeClient, scope: string): ExchangeClient {
  const genKey = `balance-gen:${scope}`;
  const cache = () => getSharedCache();
  // The shared reads this client has used and may still keep, by signal event: the entry's key and this
  // process's copy of it. A fan-out reads the shared entry once per account and event; our orders are
  // applied to the copy and written over the entry (no re-read of the key or the entry).
  const reads = new Map<string, { until: number; key: string; kept: Kept }>();
  const currentKey = async (sharedFor: string) => `balance:${scope}:${sharedFor}:${(await cache().get<string>(genKey).catch(() => null)) ?? "0"}`;
  const invalidate = () => {
    reads.clear();
    return cache().set(genKey, randomUUID(), 10 * 60_000).catch(() => undefined);
  };

  async function afterOrder(request: CreateOrderRequest, order: ExchangeOrder) {
    for (const [sharedFor, read] of reads) if (read.until < Date.now()) reads.delete(sharedFor);
    if (reads.size === 0) return;
    if (client.marketType !== "spot") return invalidate();
    const market = await client.market(request.symbol).catch(() => null);
    const effect = market && effectOf(request, order, market.base, market.quote);
    if (!effect) return invalidate();
    for (const [sharedFor, read] of reads) {
      const left = balanceCacheTiming.ttlMs - (Date.now() - read.kept.readAt);
      if (left <= 0) {
        reads.delete(sharedFor);
        continue;
      }
      const kept = { lines: apply(read.kept.lines, effect), readAt: read.kept.readAt };
      read.kept = kept;
      const written = await cache()
        .set(read.key, kept, left)
        .then(() => true, () => false);
      if (!written) return invalidate();
    }
  }

  // Updates of the shared reads after our orders run behind the order, never in its way: the order's
  // answer goes back to the lifecycle at once (a slow or failing cache cannot make a placed order look
  // failed), and the next sizing read waits for them.
  let pending: Promise<unknown> = Promise.resolve();
  const after = (work: () => Promise<unknown>) => {
    pending = pending.then(work).catch(() => invalidate());
  };

  return {
    ...client,
    async balance(opts) {
      if (!opts?.sharedFor) return client.balance();
      await pending;
      const mine = reads.get(opts.sharedFor);
      if (mine && Date.now() - mine.kept.readAt < balanceCacheTiming.ttlMs) return mine.kept.lines;
      const key = await currentKey(opts.sharedFor);
      const kept = await cachedValue<Kept>(key, balanceCacheTiming.ttlMs, async () => ({ lines: await client.balance(), readAt: Date.now() }), { memo: false });
      reads.set(opts.sharedFor, { until: kept.readAt + balanceCacheTiming.ttlMs, key, kept });
      return kept.lines;
    },
    async createOrder(request) {
      let order: ExchangeOrder;
      try {
        order = await client.createOrder(request);
      } catch (error) {
        after(invalidate);
        throw error;
      }
      after(() => afterOrder(request, order));
      return order;
    },
    async cancelOrder(id, symbol, opts) {
      try {
        return await client.cancelOrder(id, symbol, opts);
      } finally {
        after(invalidate);
      }
    },
    async cancelAllOrders(symbol) {
      try {
        return await client.cancelAllOrders(symbol);
      } finally {
        after(invalidate);
      }
    },
    ...(client.createOco
      ? {
          async createOco(request) {
            try {
              return await client.createOco!(request);
            } finally {
              after(invalidate);
            }
          },
        }
      : {}),
  };
}
