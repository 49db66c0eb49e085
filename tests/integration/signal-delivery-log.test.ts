import { describe, expect, it } from "vitest";
import { signalDeliveries, signals } from "@/db/schema";
import { DELIVERY_GROUP_GAP_MS, listDeliveryGroups, type DeliveryGroup } from "@/db/queries/signals";
import { parseDeliveryParams } from "@/app/admin/signals/search-params";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const T0 = new Date("2025-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let counter = 0;

async function makeSignal() {
  const [row] = await testDb.db
    .insert(signals)
    .values({ name: `log-${++counter}`, ...newSignalCredentials().columns })
    .returning({ id: signals.id, name: signals.name });
  return row!;
}

type Delivery = { outcome: string; reason?: string; action?: string; symbol?: string; at: Date };

async function deliver(signalId: string, rows: Delivery[]) {
  await testDb.db.insert(signalDeliveries).values(
    rows.map((r) => ({ signalId, outcome: r.outcome, reason: r.reason ?? null, action: r.action ?? "buy", symbol: r.symbol ?? "BTC/USDT", receivedAt: r.at })),
  );
}

const shape = (g: DeliveryGroup) => ({ signal: g.signalName, outcome: g.outcome, symbol: g.symbol, reason: g.reason, count: g.count, firstAt: g.firstAt.toISOString(), lastAt: g.lastAt.toISOString() });

/** Every page, following the cursor from the newest. */
async function walk(query: Omit<Parameters<typeof listDeliveryGroups>[0], "before" | "after">) {
  const pages: DeliveryGroup[][] = [];
  let before: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await listDeliveryGroups({ ...query, before });
    pages.push(page.rows);
    if (!page.hasOlder) break;
    before = page.rows.at(-1)!.lastId;
  }
  return pages;
}

describe("the admin delivery log on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("folds repeats of one signal, outcome, action, symbol and reason into one row while each follows within the gap", async () => {
    const a = await makeSignal();
    const b = await makeSignal();
    await deliver(a.id, [
      // A sender retrying once a minute: five duplicates, then a pause longer than the gap, then two more.
      ...[0, 1, 2, 3, 4].map((m) => ({ outcome: "duplicate", at: at(m) })),
      ...[30, 31].map((m) => ({ outcome: "duplicate", at: at(m) })),
      // Interleaved with the duplicates but another outcome: its own row.
      { outcome: "accepted", at: at(2.5) },
      // Rate-limit refusals whose figures differ fold together; the newest reason is shown.
      { outcome: "rejected", reason: "rate limited: retry after 12 s", at: at(5) },
      { outcome: "rejected", reason: "rate limited: retry after 40 s", at: at(5.5) },
      // Same outcome, another reason or another symbol: rows of their own.
      { outcome: "rejected", reason: "signal disabled", at: at(6) },
      { outcome: "duplicate", symbol: "ETH/USDT", at: at(3.5) },
    ]);
    // The same kind of delivery on another signal never joins signal a's rows.
    await deliver(b.id, [{ outcome: "duplicate", at: at(1.5) }]);

    const { rows, hasOlder, hasNewer } = await listDeliveryGroups({ signalName: undefined, limit: 50 });
    expect(hasOlder).toBe(false);
    expect(hasNewer).toBe(false);
    const mine = rows.filter((r) => r.signalName === a.name || r.signalName === b.name).map(shape);
    expect(mine).toEqual([
      { signal: a.name, outcome: "duplicate", symbol: "BTC/USDT", reason: null, count: 2, firstAt: at(30).toISOString(), lastAt: at(31).toISOString() },
      { signal: a.name, outcome: "rejected", symbol: "BTC/USDT", reason: "signal disabled", count: 1, firstAt: at(6).toISOString(), lastAt: at(6).toISOString() },
      { signal: a.name, outcome: "rejected", symbol: "BTC/USDT", reason: "rate limited: retry after 40 s", count: 2, firstAt: at(5).toISOString(), lastAt: at(5.5).toISOString() },
      { signal: a.name, outcome: "duplicate", symbol: "BTC/USDT", reason: null, count: 5, firstAt: at(0).toISOString(), lastAt: at(4).toISOString() },
      { signal: a.name, outcome: "duplicate", symbol: "ETH/USDT", reason: null, count: 1, firstAt: at(3.5).toISOString(), lastAt: at(3.5).toISOString() },
      { signal: a.name, outcome: "accepted", symbol: "BTC/USDT", reason: null, count: 1, firstAt: at(2.5).toISOString(), lastAt: at(2.5).toISOString() },
      { signal: b.name, outcome: "duplicate", symbol: "BTC/USDT", reason: null, count: 1, firstAt: at(1.5).toISOString(), lastAt: at(1.5).toISOString() },
    ]);

    // Filters apply before grouping: by signal, by outcome, and by time (a group cut at the range start).
    const duplicatesOfA = await listDeliveryGroups({ signalName: a.name, outcome: "duplicate", limit: 50 });
    expect(duplicatesOfA.rows.map((r) => [r.symbol, r.count])).toEqual([["BTC/USDT", 2], ["BTC/USDT", 5], ["ETH/USDT", 1]]);
    const onlyB = await listDeliveryGroups({ signalName: b.name, limit: 50 });
    expect(onlyB.rows.map((r) => [r.signalName, r.outcome, r.count])).toEqual([[b.name, "duplicate", 1]]);
    const accepted = await listDeliveryGroups({ signalName: a.name, outcome: "accepted", limit: 50 });
    expect(accepted.rows.map((r) => r.count)).toEqual([1]);
    const recent = await listDeliveryGroups({ signalName: a.name, outcome: "duplicate", since: at(2), limit: 50 });
    expect(recent.rows.map((r) => [r.symbol, r.count, r.firstAt.toISOString()])).toEqual([
      ["BTC/USDT", 2, at(30).toISOString()],
      ["BTC/USDT", 3, at(2).toISOString()],
      ["ETH/USDT", 1, at(3.5).toISOString()],
    ]);
    expect((await listDeliveryGroups({ signalName: "no-such-signal", limit: 50 })).rows).toEqual([]);
  });

  it("a repeat just past the gap starts a new row; one just inside it does not", async () => {
    const s = await makeSignal();
    const gapMinutes = DELIVERY_GROUP_GAP_MS / 60_000;
    await deliver(s.id, [
      { outcome: "duplicate", at: at(100) },
      { outcome: "duplicate", at: at(100 + gapMinutes) },
      { outcome: "duplicate", at: at(100 + 2 * gapMinutes + 0.01) },
    ]);
    const { rows } = await listDeliveryGroups({ signalName: s.name, limit: 50 });
    expect(rows.map((r) => r.count)).toEqual([1, 2]);
  });

  it("pages by cursor: every row once, in order, back and forth, and a new delivery does not shift older pages", async () => {
    const s = await makeSignal();
    // 23 rows: distinct symbols, one delivery each, and one symbol repeated (one row of 3).
    await deliver(s.id, [
      ...Array.from({ length: 22 }, (_, i) => ({ outcome: "rejected", reason: `unknown symbol: C${i}`, symbol: `C${i}`, at: at(200 + i) })),
      ...[0, 1, 2].map((m) => ({ outcome: "duplicate", symbol: "BTC/USDT", at: at(210.5 + m * 0.1) })),
    ]);
    const all = (await listDeliveryGroups({ signalName: s.name, limit: 100 })).rows;
    expect(all).toHaveLength(23);
    expect(all.filter((r) => r.count === 3)).toHaveLength(1);

    const pages = await walk({ signalName: s.name, limit: 5 });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat().map((r) => r.lastId)).toEqual(all.map((r) => r.lastId));

    // Back from the last page with the "newer" cursor: the same pages in reverse.
    let after = pages.at(-1)![0]!.lastId;
    for (let i = pages.length - 2; i >= 0; i--) {
      const page = await listDeliveryGroups({ signalName: s.name, limit: 5, after });
      expect(page.rows.map((r) => r.lastId)).toEqual(pages[i]!.map((r) => r.lastId));
      expect(page.hasNewer).toBe(i > 0);
      expect(page.hasOlder).toBe(true);
      after = page.rows[0]!.lastId;
    }

    // A delivery arrives after page 1 was read: page 2 still starts right after page 1's last row.
    await deliver(s.id, [{ outcome: "rejected", reason: "unknown symbol: NEW", symbol: "NEW", at: at(300) }]);
    const second = await listDeliveryGroups({ signalName: s.name, limit: 5, before: pages[0]!.at(-1)!.lastId });
    expect(second.rows.map((r) => r.lastId)).toEqual(pages[1]!.map((r) => r.lastId));
    // The filters hold across pages.
    const rejectedPages = await walk({ signalName: s.name, outcome: "rejected", limit: 10 });
    expect(rejectedPages.flat()).toHaveLength(23);
    expect(rejectedPages.flat().every((r) => r.outcome === "rejected")).toBe(true);
    // A cursor that names no delivery gives an empty page, not an error.
    expect((await listDeliveryGroups({ signalName: s.name, limit: 5, before: "999999999999" })).rows).toEqual([]);
  });
});

describe("the delivery log's address", () => {
  it("keeps the filters that parse and names the ones it ignores", () => {
    expect(parseDeliveryParams({ signal: "btc-trend", outcome: "duplicate", range: "24h", before: "42" })).toEqual({
      filters: { signal: "btc-trend", outcome: "duplicate", range: "24h", before: "42" },
      ignored: [],
    });
    expect(parseDeliveryParams({ signal: "Bad Name!", outcome: "exploded", range: "5y", before: "-1", after: "1e9" })).toEqual({ filters: {}, ignored: ["signal", "outcome", "range", "before", "after"] });
    // Repeated parameters and both directions at once are refused, not guessed at; empty values are "any".
    expect(parseDeliveryParams({ outcome: ["accepted", "duplicate"], before: "5", after: "6", signal: "" })).toEqual({ filters: { before: "5" }, ignored: ["outcome", "after"] });
  });
});
