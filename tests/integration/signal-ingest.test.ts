import { describe, expect, it, vi } from "vitest";
import { updateSignal } from "@/db/queries/signals";
import { asc, eq } from "drizzle-orm";
import { queueJobs, signalDeliveries, signalEvents, signals } from "@/db/schema";
import { createPostgresQueue } from "@/lib/queue/postgres";
import { ingestSignal, type IngestInput } from "@/lib/signals/ingest";
import { computeSignature, generateSignalSecret, legacySigningKey, signatureHeader } from "@/lib/signals/secrets";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const NOW = new Date("2025-01-31T12:00:30Z");
let counter = 0;

/** A signal as the admin page creates it (scheme v1: signed with the secret), or a legacy one from before. */
async function makeSignal(opts: { enabled?: boolean; scheme?: "v1" | "legacy" } = {}) {
  const name = `sig-${++counter}`;
  const enabled = opts.enabled ?? true;
  let secret: string;
  let key: string;
  let values: typeof signals.$inferInsert;
  if (opts.scheme === "legacy") {
    const legacy = generateSignalSecret();
    ({ secret } = legacy);
    key = legacySigningKey(secret);
    values = { name, secretHash: legacy.hash, secretHint: legacy.hint, signingScheme: "legacy", enabled };
  } else {
    const created = newSignalCredentials();
    secret = key = created.secret;
    values = { name, ...created.columns, enabled };
  }
  const [row] = await testDb.db.insert(signals).values(values).returning();
  const enqueued: string[] = [];
  const send = (body: unknown, extra: Partial<IngestInput> = {}) =>
    ingestSignal({
      name,
      rawBody: typeof body === "string" ? body : JSON.stringify(body),
      contentType: "application/json",
      headers: {},
      ip: "203.0.113.7",
      now: NOW,
      enqueue: async (eventId) => {
        enqueued.push(eventId);
      },
      ...extra,
    });
  return { signal: row!, secret, key, name, enqueued, send };
}

async function rowsFor(signalId: string) {
  const db = testDb.db;
  const events = await db.select().from(signalEvents).where(eq(signalEvents.signalId, signalId)).orderBy(asc(signalEvents.seq));
  const deliveries = await db
    .select()
    .from(signalDeliveries)
    .where(eq(signalDeliveries.signalId, signalId))
    .orderBy(asc(signalDeliveries.id));
  return { events, deliveries };
}

const errorOf = (status: number, code: string) => ({ status, body: { error: { code, message: expect.any(String) } } });

describe("signal ingest on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("accepts a signal: one queued event, one enqueue, one delivery", async () => {
    const s = await makeSignal();
    const result = await s.send({
      secret: s.secret,
      action: "BUY",
      symbol: "BINANCE:BTCUSDT.P",
      price: "42000.50",
      timestamp: "2025-01-31T12:00:00Z",
      max_lag: 60,
      comment: "entry",
    });
    expect(result).toEqual({ status: 202, body: { accepted: true, duplicate: false, eventId: expect.any(String) } });
    const eventId = result.body.eventId as string;
    expect(s.enqueued).toEqual([eventId]);
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: eventId,
      status: "queued",
      action: "buy",
      symbol: "BTC/USDT:USDT",
      rawSymbol: "BINANCE:BTCUSDT.P",
      price: "42000.5",
      comment: "entry",
      sentAt: new Date("2025-01-31T12:00:00Z"),
      test: false,
    });
    expect(deliveries).toEqual([
      expect.objectContaining({ outcome: "accepted", eventId, action: "buy", symbol: "BTC/USDT:USDT", ip: "203.0.113.7", reason: null }),
    ]);
  });

  it("makes one event of the same id, sent one after another and at once", async () => {
    const s = await makeSignal();
    const body = { secret: s.secret, action: "sell", symbol: "ETHUSDT", id: "order-7" };
    const first = await s.send(body);
    const repeats = [await s.send(body), ...(await Promise.all([1, 2, 3, 4].map(() => s.send(body))))];
    const eventId = first.body.eventId;
    for (const repeat of repeats) expect(repeat).toEqual({ status: 202, body: { duplicate: true, eventId } });
    expect(s.enqueued).toEqual([eventId]);

    const racing = await makeSignal();
    const raced = await Promise.all(Array.from({ length: 5 }, () => racing.send({ ...body, secret: racing.secret })));
    const ids = new Set(raced.map((r) => r.body.eventId));
    expect(ids.size).toBe(1);
    expect(raced.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(racing.enqueued).toHaveLength(1);
    const { events, deliveries } = await rowsFor(racing.signal.id);
    expect(events).toHaveLength(1);
    expect(deliveries.map((d) => d.outcome).sort()).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"]);
  });

  it("a burst of deliveries stored together (one insert per batch): one event and one queue job per id, every delivery recorded", async () => {
    const queue = createPostgresQueue(testDb.db);
    const a = await makeSignal();
    const b = await makeSignal();
    const enqueue = async (eventId: string) => {
      await queue.enqueue("ingest-burst", { eventId });
    };
    // 40 deliveries at once: 10 ids on each of two signals, each id sent twice in the same burst.
    const sends = [a, b].flatMap((s) =>
      Array.from({ length: 20 }, (_, i) => s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", id: `burst-${i % 10}` }, { enqueue })),
    );
    const answers = await Promise.all(sends);
    expect(answers.every((r) => r.status === 202)).toBe(true);
    for (const s of [a, b]) {
      const { events, deliveries } = await rowsFor(s.signal.id);
      expect(events.map((e) => e.idempotencyKey).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `id:burst-${i}`).sort());
      expect(deliveries.map((d) => d.outcome).sort()).toEqual([...Array(10).fill("accepted"), ...Array(10).fill("duplicate")]);
      // Each repeat names the event its first delivery created.
      for (const d of deliveries) expect(events.map((e) => e.id)).toContain(d.eventId);
    }
    const created = answers.filter((r) => r.body.duplicate === false).map((r) => r.body.eventId);
    expect(new Set(created).size).toBe(20);
    const jobs = await testDb.db.select().from(queueJobs).where(eq(queueJobs.queue, "ingest-burst"));
    expect(jobs.map((j) => (j.payload as { eventId: string }).eventId).sort()).toEqual([...created].sort());
  });

  it("reads a signal at most once a second: a change made by another process applies within a second, one made here at once", async () => {
    const s = await makeSignal();
    const send = (id: string) => s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", id });
    const realNow = Date.now;
    let clock = realNow();
    const spy = vi.spyOn(Date, "now").mockImplementation(() => clock);
    try {
      expect((await send("c-1")).status).toBe(202);
      // Another process disables the signal (straight in the database): this process's copy is a second old at most.
      await testDb.db.update(signals).set({ enabled: false }).where(eq(signals.id, s.signal.id));
      clock += 500;
      expect((await send("c-2")).status).toBe(202);
      clock += 600;
      expect((await send("c-3")).status).toBe(403);
      // Enabled again through updateSignal in this process: read afresh at once.
      await updateSignal(s.signal.id, { enabled: true });
      expect((await send("c-4")).status).toBe(202);
    } finally {
      spy.mockRestore();
    }
  });

  it("an id the database stores differently (a lone surrogate) is still one new event, accepted and enqueued", async () => {
    const s = await makeSignal();
    const raw = `{"secret":${JSON.stringify(s.secret)},"action":"buy","symbol":"BTCUSDT","id":"x\\ud800"}`;
    const first = await s.send(raw);
    expect(first).toEqual({ status: 202, body: { accepted: true, duplicate: false, eventId: expect.any(String) } });
    expect(s.enqueued).toEqual([first.body.eventId]);
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events.map((e) => e.id)).toEqual([first.body.eventId]);
    expect(deliveries.map((d) => d.outcome)).toEqual(["accepted"]);
  });

  it("treats an identical body without id as a duplicate for 60 s, across a minute boundary", async () => {
    const s = await makeSignal();
    const body = JSON.stringify({ secret: s.secret, action: "close", symbol: "BTC/USDT" });
    const at = (iso: string) => ({ now: new Date(iso) });
    const first = await s.send(body, at("2025-01-31T12:00:59Z"));
    expect(first.body.duplicate).toBe(false);
    // The next minute bucket, 2 s later: still the same delivery.
    expect(await s.send(body, at("2025-01-31T12:01:01Z"))).toEqual({ status: 202, body: { duplicate: true, eventId: first.body.eventId } });
    // 61 s after the first: a new event.
    const later = await s.send(body, at("2025-01-31T12:02:00Z"));
    expect(later.body).toMatchObject({ accepted: true, duplicate: false });
    expect(later.body.eventId).not.toBe(first.body.eventId);
    // A different body is never a duplicate.
    const other = await s.send(JSON.stringify({ secret: s.secret, action: "close", symbol: "ETH/USDT" }), at("2025-01-31T12:02:00Z"));
    expect(other.body.duplicate).toBe(false);
    expect(s.enqueued).toHaveLength(3);
    expect((await rowsFor(s.signal.id)).events).toHaveLength(3);
  });

  describe("an identical body without id: one event within a sliding 60 s window, not a minute bucket", () => {
    const at = (iso: string) => ({ now: new Date(iso) });
    const bodyOf = (secret: string, comment = "edge") => JSON.stringify({ secret, action: "close", symbol: "BTC/USDT", comment });
    const outcomes = (results: { body: Record<string, unknown> }[]) =>
      results.map((r) => (r.body.duplicate ? "duplicate" : r.body.accepted ? "accepted" : "other")).sort();

    it("(a) makes one event of two concurrent deliveries at 12:00:59.5 and 12:01:00.5, in either order", async () => {
      for (const times of [
        ["2025-01-31T12:00:59.500Z", "2025-01-31T12:01:00.500Z"],
        ["2025-01-31T12:01:00.500Z", "2025-01-31T12:00:59.500Z"],
      ]) {
        const s = await makeSignal();
        const body = bodyOf(s.secret);
        const results = await Promise.all(times.map((iso) => s.send(body, at(iso))));
        expect(outcomes(results)).toEqual(["accepted", "duplicate"]);
        expect(new Set(results.map((r) => r.body.eventId)).size).toBe(1);
        expect(s.enqueued).toHaveLength(1);
        const { events, deliveries } = await rowsFor(s.signal.id);
        expect(events).toHaveLength(1);
        expect(deliveries.map((d) => d.outcome).sort()).toEqual(["accepted", "duplicate"]);
      }
    });

    it("(a) makes one event of two deliveries across the minute boundary that both passed the duplicate lookup", async () => {
      const s = await makeSignal();
      const body = bodyOf(s.secret);
      // The limit is consulted after the lookup and before the insert: holding both deliveries there
      // until both have arrived makes them race the lookup for certain.
      let arrived = 0;
      let release!: () => void;
      const bothChecked = new Promise<void>((resolve) => (release = resolve));
      const limit = async () => {
        if (++arrived === 2) release();
        await bothChecked;
        return { allowed: true, retryAfterMs: 0 };
      };
      const results = await Promise.all(
        ["2025-01-31T12:00:59.500Z", "2025-01-31T12:01:00.500Z"].map((iso) => s.send(body, { ...at(iso), limit })),
      );
      expect(arrived).toBe(2);
      expect(outcomes(results)).toEqual(["accepted", "duplicate"]);
      expect(new Set(results.map((r) => r.body.eventId)).size).toBe(1);
      expect(s.enqueued).toHaveLength(1);
      expect((await rowsFor(s.signal.id)).events).toHaveLength(1);
    });

    it("(b) makes one event of the same two deliveries one after the other, in either order", async () => {
      for (const [firstAt, secondAt] of [
        ["2025-01-31T12:00:59.500Z", "2025-01-31T12:01:00.500Z"],
        ["2025-01-31T12:01:00.500Z", "2025-01-31T12:00:59.500Z"],
      ]) {
        const s = await makeSignal();
        const body = bodyOf(s.secret);
        const first = await s.send(body, at(firstAt!));
        expect(first.body).toMatchObject({ accepted: true, duplicate: false });
        expect(await s.send(body, at(secondAt!))).toEqual({ status: 202, body: { duplicate: true, eventId: first.body.eventId } });
        expect(s.enqueued).toEqual([first.body.eventId]);
        expect((await rowsFor(s.signal.id)).events).toHaveLength(1);
      }
    });

    it("(c) makes two events of identical bodies 61 s apart, and measures the window from the accepted delivery", async () => {
      const s = await makeSignal();
      const body = bodyOf(s.secret);
      const first = await s.send(body, at("2025-01-31T12:00:10Z"));
      const second = await s.send(body, at("2025-01-31T12:01:11Z"));
      expect(first.body).toMatchObject({ accepted: true, duplicate: false });
      expect(second.body).toMatchObject({ accepted: true, duplicate: false });
      expect(second.body.eventId).not.toBe(first.body.eventId);

      // First accepted at 0 s, a duplicate at 40 s, then 70 s after the first (30 s after the duplicate):
      // a duplicate does not extend the window, so the third is a new event; a fourth 30 s after it is its duplicate.
      const t = await makeSignal();
      const tBody = bodyOf(t.secret);
      const accepted = await t.send(tBody, at("2025-01-31T12:00:30Z"));
      expect(await t.send(tBody, at("2025-01-31T12:01:10Z"))).toEqual({ status: 202, body: { duplicate: true, eventId: accepted.body.eventId } });
      const third = await t.send(tBody, at("2025-01-31T12:01:40Z"));
      expect(third.body).toMatchObject({ accepted: true, duplicate: false });
      expect(third.body.eventId).not.toBe(accepted.body.eventId);
      expect(await t.send(tBody, at("2025-01-31T12:02:10Z"))).toEqual({ status: 202, body: { duplicate: true, eventId: third.body.eventId } });
      expect(t.enqueued).toEqual([accepted.body.eventId, third.body.eventId]);
      expect((await rowsFor(t.signal.id)).deliveries.map((d) => d.outcome)).toEqual(["accepted", "duplicate", "accepted", "duplicate"]);
    });
  });

  it("stores nothing for a wrong or missing secret, bad JSON or an invalid field", async () => {
    const s = await makeSignal();
    expect(await s.send({ secret: "wrong", action: "buy", symbol: "BTCUSDT" })).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: expect.stringContaining("Wrong or missing secret") } },
    });
    expect(await s.send({ action: "buy", symbol: "BTCUSDT" })).toMatchObject(errorOf(401, "unauthorized"));

    const badJson = await s.send('{"secret": "x", action: buy}');
    expect(badJson).toMatchObject(errorOf(400, "bad_request"));
    expect((badJson.body.error as { message: string }).message).toMatch(/^Body is not valid JSON: /);

    expect(await s.send({ secret: s.secret, action: "hodl", symbol: "BTCUSDT" })).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "action: must be one of buy, sell, close, cancel" } },
    });
    expect(s.enqueued).toEqual([]);
    expect(await rowsFor(s.signal.id)).toEqual({ events: [], deliveries: [] });
  });

  it("accepts text/plain (TradingView) and refuses other content types and large bodies", async () => {
    const s = await makeSignal();
    const body = { secret: s.secret, action: "buy", symbol: "SOLUSDT" };
    expect((await s.send(body, { contentType: "text/plain; charset=utf-8" })).status).toBe(202);
    expect((await s.send({ ...body, id: "x" }, { contentType: "Application/JSON;charset=UTF-8" })).status).toBe(202);
    expect(await s.send({ ...body, id: "y" }, { contentType: "text/html" })).toMatchObject(errorOf(415, "unsupported_media_type"));
    expect(await s.send({ ...body, id: "z" }, { contentType: null })).toMatchObject(errorOf(415, "unsupported_media_type"));
    const big = JSON.stringify({ ...body, id: "big", comment: "é".repeat(8_500) });
    expect(await s.send(big)).toMatchObject(errorOf(413, "payload_too_large"));
    expect(await s.send({ ...body, id: "huge", pad: "x".repeat(17 * 1024) })).toMatchObject(errorOf(413, "payload_too_large"));
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events).toHaveLength(2);
    expect(deliveries).toHaveLength(2);
  });

  it("answers an unknown or disabled name exactly as a wrong secret, and tells a disabled signal's own sender", async () => {
    const s = await makeSignal();
    const off = await makeSignal({ enabled: false });
    const ts = String(Math.floor(NOW.getTime() / 1000));
    const body = (secret?: string) => JSON.stringify({ ...(secret ? { secret } : {}), action: "buy", symbol: "BTCUSDT", id: "probe" });
    const probes: [string, Partial<IngestInput>][] = [
      ["wrong secret", {}],
      ["no secret", { rawBody: body() }],
      ["bad signature", { rawBody: body(), headers: { signature: signatureHeader(body(), ts, "guess") } }],
      ["bad signature, two headers", { rawBody: body(), headers: { signature: computeSignature(body(), ts, "guess"), timestamp: ts } }],
      ["stale signature", { rawBody: body(), headers: { signature: signatureHeader(body(), String(Number(ts) - 900), "guess") } }],
      ["bad JSON", { rawBody: '{"secret": "x", action: buy}' }],
    ];
    for (const [what, extra] of probes) {
      const probe = { rawBody: body("wrong"), ...extra };
      const known = await s.send(body("wrong"), probe);
      expect(known.status, what).not.toBe(202);
      for (const name of ["no-such-signal", off.name, "Not a valid name!"]) {
        expect(await s.send(body("wrong"), { ...probe, name }), `${what} to ${name}`).toEqual(known);
      }
    }
    expect(await s.send(body("wrong"))).toEqual({
      status: 401,
      body: { error: { code: "unauthorized", message: expect.stringContaining("no enabled signal has this name") } },
    });

    // With its secret, a disabled signal's sender learns why nothing happens; the delivery log shows it.
    expect(await off.send(body(off.secret))).toEqual({
      status: 403,
      body: { error: { code: "disabled", message: expect.stringContaining("This signal is disabled") } },
    });
    expect(await rowsFor(s.signal.id)).toEqual({ events: [], deliveries: [] });
    const { events, deliveries } = await rowsFor(off.signal.id);
    expect(events).toEqual([]);
    expect(deliveries.map((d) => [d.outcome, d.reason])).toEqual([["rejected", "signal disabled"]]);
  });

  it("limits requests per address before reading or authenticating them", async () => {
    const { createPostgresRateLimiter } = await import("@/lib/ratelimit");
    const limiter = createPostgresRateLimiter(testDb.db);
    const keys: string[] = [];
    const ipLimit = async (key: string, limitFactor = 1) => {
      keys.push(key);
      return limiter.hit(key, { limit: 3 * limitFactor, windowMs: 60_000 });
    };
    const s = await makeSignal();
    const ip = `198.51.100.${++counter % 250}`;
    const good = (id: string) => JSON.stringify({ secret: s.secret, action: "buy", symbol: "BTCUSDT", id });
    const from = (address: string | null, name = s.name, rawBody = good("x")) => s.send(rawBody, { ip: address, ipLimit, name });

    expect((await from(ip, "guess-1")).status).toBe(401);
    expect((await from(ip, s.name, good("y").replace(s.secret, "wrong"))).status).toBe(401);
    expect((await from(ip, s.name, "not json")).status).toBe(400);
    const limited = await from(ip);
    expect(limited).toEqual({
      status: 429,
      body: { error: { code: "rate_limited", message: expect.stringContaining("from this address") }, retryAfter: expect.any(Number) },
      headers: { "Retry-After": expect.stringMatching(/^\d+$/) },
    });
    expect(keys).toEqual(Array(4).fill(`signal-ip:${ip}`));
    // Another address is not held back by this one; unknown addresses share one bucket ten times larger.
    expect((await from("198.51.100.251")).status).toBe(202);
    expect((await from(null, s.name, good("z"))).status).toBe(202);
    for (let i = 0; i < 29; i++) await from(null, "guess-unknown");
    expect((await from(null, s.name, good("w"))).status).toBe(429);
    expect(keys.slice(5)).toEqual(Array(31).fill("signal-ip:unknown"));
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events.map((e) => e.idempotencyKey).sort()).toEqual(["id:x", "id:z"]);
    expect(deliveries.map((d) => d.ip)).toEqual(["198.51.100.251", null]);
  });

  it("rejects a stale signal (422) and an unknown symbol (400), recording why", async () => {
    const s = await makeSignal();
    const stale = await s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", timestamp: NOW.getTime() / 1000 - 75, max_lag: 30 });
    expect(stale).toMatchObject(errorOf(422, "stale"));
    const unknown = await s.send({ secret: s.secret, action: "buy", symbol: "NOPE" });
    expect(unknown).toMatchObject(errorOf(400, "bad_request"));
    expect((unknown.body.error as { message: string }).message).toContain('symbol: "NOPE" is not a recognised market');
    // Fresh enough: accepted.
    const fresh = await s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", timestamp: NOW.getTime() - 20_000, max_lag: 30 });
    expect(fresh.status).toBe(202);

    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events).toHaveLength(1);
    expect(deliveries.map((d) => [d.outcome, d.reason, d.symbol])).toEqual([
      ["rejected", "stale: 75 s old, max_lag 30 s", "BTC/USDT"],
      ["rejected", "unknown symbol: NOPE", "NOPE"],
      ["accepted", null, "BTC/USDT"],
    ]);
    expect(s.enqueued).toEqual([fresh.body.eventId]);
  });

  it("authenticates with X-Signature and X-Timestamp instead of the body secret", async () => {
    const s = await makeSignal();
    const body = JSON.stringify({ action: "buy", symbol: "BTCUSDT", id: "signed-1" });
    const ts = String(Math.floor(NOW.getTime() / 1000));
    const signature = computeSignature(body, ts, s.key);

    const ok = await s.send(body, { headers: { signature, timestamp: ts } });
    expect(ok.body).toMatchObject({ accepted: true, duplicate: false });

    const tampered = body.replace("signed-1", "signed-2");
    expect(await s.send(tampered, { headers: { signature, timestamp: ts } })).toMatchObject(errorOf(401, "unauthorized"));
    const oldTs = String(Number(ts) - 301);
    const old = await s.send(body.replace("signed-1", "signed-3"), {
      headers: { signature: computeSignature(body.replace("signed-1", "signed-3"), oldTs, s.key), timestamp: oldTs },
    });
    expect(old).toMatchObject(errorOf(401, "unauthorized"));
    expect(await s.send(tampered, { headers: { signature } })).toMatchObject(errorOf(401, "unauthorized"));
    // A body secret does not rescue a bad signature.
    const withSecret = JSON.stringify({ secret: s.secret, action: "buy", symbol: "BTCUSDT", id: "signed-4" });
    expect(await s.send(withSecret, { headers: { signature, timestamp: ts } })).toMatchObject(errorOf(401, "unauthorized"));

    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events.map((e) => e.idempotencyKey)).toEqual(["id:signed-1"]);
    expect(deliveries).toHaveLength(1);
  });

  it("executes a signed request without id once, and answers its replays as duplicates for the whole signature window", async () => {
    const s = await makeSignal();
    const body = JSON.stringify({ action: "close", symbol: "BTCUSDT" });
    const ts = String(Math.floor(NOW.getTime() / 1000));
    const signature = computeSignature(body, ts, s.key);
    const at = (seconds: number, sig = signature, timestamp = ts) =>
      s.send(body, { headers: { signature: sig, timestamp }, now: new Date(NOW.getTime() + seconds * 1000) });

    const first = await at(0);
    expect(first.body).toMatchObject({ accepted: true, duplicate: false });
    const original = { status: 202, body: { duplicate: true, eventId: first.body.eventId } };
    // Within 60 s, past it, at the edge of the ±300 s window, and in another spelling of the same signature.
    expect(await at(30)).toEqual(original);
    expect(await at(120)).toEqual(original);
    expect(await at(299)).toEqual(original);
    expect(await at(200, `sha256=${signature.toUpperCase()}`)).toEqual(original);
    // Past the window the signature itself is refused.
    expect(await at(301)).toMatchObject(errorOf(401, "unauthorized"));
    // A new request (signed afresh, with its own timestamp) is a new event.
    const laterTs = String(Number(ts) + 120);
    const fresh = await at(120, computeSignature(body, laterTs, s.key), laterTs);
    expect(fresh.body).toMatchObject({ accepted: true, duplicate: false });

    expect(s.enqueued).toEqual([first.body.eventId, fresh.body.eventId]);
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events).toHaveLength(2);
    expect(deliveries.map((d) => d.outcome)).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate", "accepted"]);

    // Replays racing each other past 60 s still make no second event.
    const racing = await makeSignal();
    const raceSig = computeSignature(body, ts, racing.key);
    const sendAt = (seconds: number) =>
      racing.send(body, { headers: { signature: raceSig, timestamp: ts }, now: new Date(NOW.getTime() + seconds * 1000) });
    const firstRace = await sendAt(0);
    const replays = await Promise.all([90, 90, 150, 150, 240].map(sendAt));
    for (const replay of replays) expect(replay).toEqual({ status: 202, body: { duplicate: true, eventId: firstRace.body.eventId } });
    expect(racing.enqueued).toEqual([firstRace.body.eventId]);
  });

  it("answers 429 past the per-signal limit, without storing an event", async () => {
    const s = await makeSignal();
    const keys: string[] = [];
    let left = 2;
    const limit = async (key: string) => {
      keys.push(key);
      return left-- > 0 ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: 12_300 };
    };
    const send = (id: string) => s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", id }, { limit });
    expect((await send("a")).status).toBe(202);
    expect((await send("b")).status).toBe(202);
    // A duplicate is answered before the limit is consulted.
    expect((await send("a")).body.duplicate).toBe(true);
    const limited = await send("c");
    expect(limited).toEqual({
      status: 429,
      body: { error: { code: "rate_limited", message: expect.stringContaining("13 s") }, retryAfter: 13 },
      headers: { "Retry-After": "13" },
    });
    expect(keys).toEqual(Array(3).fill(`signal:${s.signal.id}`));
    const { events, deliveries } = await rowsFor(s.signal.id);
    expect(events).toHaveLength(2);
    expect(deliveries.at(-1)).toMatchObject({ outcome: "rejected", reason: "rate limited: retry after 13 s" });
  });

  it("withdraws the event when the queue is down, so a retry goes through", async () => {
    const s = await makeSignal();
    const body = { secret: s.secret, action: "buy", symbol: "BTCUSDT", id: "q-1" };
    const down = await s.send(body, {
      enqueue: async () => {
        throw new Error("queue offline");
      },
    });
    expect(down).toMatchObject(errorOf(503, "unavailable"));
    expect((await rowsFor(s.signal.id)).events).toHaveLength(0);
    const retry = await s.send(body);
    expect(retry.body).toMatchObject({ accepted: true, duplicate: false });
    expect(s.enqueued).toEqual([retry.body.eventId]);
  });

  it("marks a test signal for its one strategy", async () => {
    const s = await makeSignal();
    const strategyId = "7d7c3f5e-2c1a-4f7b-9a57-0b2f1d3c4e5f";
    const result = await s.send({ secret: s.secret, action: "buy", symbol: "BTCUSDT", test_strategy: strategyId });
    const [event] = (await rowsFor(s.signal.id)).events;
    expect(event).toMatchObject({ id: result.body.eventId, test: true, testStrategyId: strategyId });
  });
});

describe("signing with the secret (scheme v1) and the legacy sha256(secret) key", () => {
  const signedBody = (id: string) => JSON.stringify({ action: "buy", symbol: "BTCUSDT", id });
  const nowTs = () => String(Math.floor(NOW.getTime() / 1000));

  it("a new signal is signed with its secret, in the Stripe-style header or the two headers; sha256(secret) is refused", async () => {
    const s = await makeSignal();
    expect(s.signal.signingScheme).toBe("v1");
    const ts = nowTs();
    const single = signedBody("v1-single");
    expect((await s.send(single, { headers: { signature: signatureHeader(single, ts, s.secret) } })).body).toMatchObject({ accepted: true });
    const pair = signedBody("v1-pair");
    expect((await s.send(pair, { headers: { signature: computeSignature(pair, ts, s.secret), timestamp: ts } })).body).toMatchObject({
      accepted: true,
    });
    const old = signedBody("v1-old-key");
    expect(await s.send(old, { headers: { signature: signatureHeader(old, ts, legacySigningKey(s.secret)) } })).toMatchObject(
      errorOf(401, "unauthorized"),
    );
    // The secret in the body still works (TradingView).
    expect((await s.send({ secret: s.secret, action: "sell", symbol: "BTCUSDT", id: "v1-body" })).status).toBe(202);
    expect((await rowsFor(s.signal.id)).events.map((e) => e.idempotencyKey)).toEqual(["id:v1-single", "id:v1-pair", "id:v1-body"]);
  });

  it("a signed request without id is one event whichever header form replays it", async () => {
    const s = await makeSignal();
    const body = JSON.stringify({ action: "close", symbol: "BTCUSDT" });
    const ts = nowTs();
    const signature = computeSignature(body, ts, s.secret);
    const first = await s.send(body, { headers: { signature: `t=${ts},v1=${signature}` } });
    expect(first.body).toMatchObject({ accepted: true, duplicate: false });
    expect(await s.send(body, { headers: { signature, timestamp: ts } })).toEqual({ status: 202, body: { duplicate: true, eventId: first.body.eventId } });
    expect(s.enqueued).toEqual([first.body.eventId]);
  });

  it("a signal from before the change keeps its sha256(secret) key until its secret is rotated", async () => {
    const { sealSigningKey } = await import("@/lib/signals/key-seal");
    const { appKeyring } = await import("@/lib/crypto");
    const { updateSignal } = await import("@/db/queries/signals");
    // As the migration leaves a signal sealed before: sha256(secret) sealed, scheme legacy.
    const { secret, hint } = generateSignalSecret();
    const legacyKey = legacySigningKey(secret);
    const name = `legacy-sealed-${++counter}`;
    const [row] = await testDb.db
      .insert(signals)
      .values({ name, ...sealSigningKey(legacyKey, appKeyring()), signingScheme: "legacy", secretHint: hint })
      .returning();
    const deliver = (rawBody: string, headers: IngestInput["headers"] = {}) =>
      ingestSignal({ name, rawBody, contentType: "application/json", headers, ip: null, now: NOW, enqueue: async () => {} });
    const ts = nowTs();

    expect((await deliver(signedBody("l-1"), { signature: signatureHeader(signedBody("l-1"), ts, legacyKey) })).status).toBe(202);
    expect((await deliver(signedBody("l-2"), { signature: computeSignature(signedBody("l-2"), ts, legacyKey), timestamp: ts })).status).toBe(202);
    expect((await deliver(JSON.stringify({ secret, action: "buy", symbol: "BTCUSDT", id: "l-3" }))).status).toBe(202);
    expect((await deliver(signedBody("l-4"), { signature: signatureHeader(signedBody("l-4"), ts, secret) })).status).toBe(401);

    // Rotating the secret (what the admin page does) moves it to v1.
    const rotated = newSignalCredentials();
    await updateSignal(row!.id, rotated.columns);
    const [after] = await testDb.db.select().from(signals).where(eq(signals.id, row!.id));
    expect(after!.signingScheme).toBe("v1");
    expect((await deliver(signedBody("l-5"), { signature: signatureHeader(signedBody("l-5"), ts, rotated.secret) })).status).toBe(202);
    expect((await deliver(signedBody("l-6"), { signature: signatureHeader(signedBody("l-6"), ts, legacyKey) })).status).toBe(401);
  });

  it("the migration marks the signals that exist as legacy; new rows default to v1", async () => {
    const { cp, mkdtemp, readFile, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const { MIGRATIONS_FOLDER } = await import("@/db/client");

    const dir = await mkdtemp(path.join(tmpdir(), "sb-migrations-"));
    const client = new PGlite();
    try {
      await cp(MIGRATIONS_FOLDER, dir, { recursive: true });
      const journalPath = path.join(dir, "meta", "_journal.json");
      const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
      const cut = journal.entries.findIndex((entry) => entry.tag === "0010_signal_signing_scheme");
      expect(cut).toBeGreaterThan(0);
      await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
      const db = drizzle(client);
      await migrate(db, { migrationsFolder: dir });
      await client.query("insert into signals (name, secret_hash, secret_hint) values ('before', 'h', 'hint')");

      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      await client.query("insert into signals (name, secret_hash, secret_hint) values ('after', 'h', 'hint')");
      const { rows } = await client.query<{ name: string; signing_scheme: string }>("select name, signing_scheme from signals order by name");
      expect(rows).toEqual([
        { name: "after", signing_scheme: "v1" },
        { name: "before", signing_scheme: "legacy" },
      ]);
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("sealed signing keys", () => {
  const generateKeyFor = (secret: string) => secret;
  const deliver = (name: string, rawBody: string, headers: IngestInput["headers"] = {}) =>
    ingestSignal({ name, rawBody, contentType: "application/json", headers, ip: "203.0.113.8", now: new Date(), enqueue: async () => {} });

  it("stores only a fingerprint readable from the database; body secrets and signatures still work; old rows are sealed on first use", async () => {
    const { newSignalCredentials } = await import("@/lib/signals/signing-key");
    const { resealSignalKeys } = await import("@/lib/signals/key-seal");
    const { keyringFrom } = await import("@/lib/crypto/secrets");
    const { secret, columns } = newSignalCredentials();
    const [sealed] = await testDb.db.insert(signals).values({ name: "sealed-key", ...columns }).returning();
    const key = generateKeyFor(secret);
    // The database holds neither the secret nor the signing key.
    expect(JSON.stringify(sealed)).not.toContain(secret);
    expect(JSON.stringify(sealed)).not.toContain(key);

    const body = JSON.stringify({ secret, action: "buy", symbol: "BTCUSDT", id: "sealed-1" });
    expect((await deliver("sealed-key", body)).status).toBe(202);
    const ts = String(Math.floor(Date.now() / 1000));
    const signed = JSON.stringify({ action: "buy", symbol: "BTCUSDT", id: "sealed-2" });
    expect((await deliver("sealed-key", signed, { signature: computeSignature(signed, ts, key), timestamp: ts })).status).toBe(202);
    // A signature made with what the database holds (the old attack) is refused.
    expect((await deliver("sealed-key", signed.replace("sealed-2", "sealed-3"), { signature: computeSignature(signed.replace("sealed-2", "sealed-3"), ts, sealed!.secretHash), timestamp: ts })).status).toBe(401);

    // A row from before sealing (the hash is the key) works once more and is sealed by that delivery.
    const old = generateSignalSecret();
    await testDb.db.insert(signals).values({ name: "legacy-key", secretHash: old.hash, secretHint: old.hint });
    const legacyBody = JSON.stringify({ secret: old.secret, action: "buy", symbol: "BTCUSDT", id: "legacy-1" });
    expect((await deliver("legacy-key", legacyBody)).status).toBe(202);
    const [upgraded] = await testDb.db.select().from(signals).where(eq(signals.name, "legacy-key"));
    expect(upgraded!.signingKeyEnc).toBeTruthy();
    expect(upgraded!.secretHash).not.toBe(old.hash);
    const again = JSON.stringify({ action: "sell", symbol: "BTCUSDT", id: "legacy-2" });
    expect((await deliver("legacy-key", again, { signature: computeSignature(again, ts, old.hash), timestamp: ts })).status).toBe(202);

    // keys:rotate re-seals under a new master key; deliveries go on working with it.
    const rotated = keyringFrom({ key: "another-master-key-0123456789abcdefghij", version: 7, previous: `1:${process.env.ENCRYPTION_KEY}` });
    const result = await resealSignalKeys(testDb.db, rotated);
    expect(result.failed).toEqual([]);
    const [resealed] = await testDb.db.select().from(signals).where(eq(signals.name, "sealed-key"));
    expect(resealed!.signingKeyVersion).toBe(7);
  });
});

describe("the webhook route", () => {
  it("applies the per-address limit (SIGNAL_IP_RATE_LIMIT_PER_MINUTE) before authenticating", async () => {
    const { resetEnvForTests } = await import("@/lib/env");
    const { resetRateLimiterForTests } = await import("@/lib/ratelimit");
    const { POST } = await import("@/app/api/webhooks/signals/[name]/route");
    const saved = { limit: process.env.SIGNAL_IP_RATE_LIMIT_PER_MINUTE, hops: process.env.TRUSTED_PROXY_HOPS };
    process.env.SIGNAL_IP_RATE_LIMIT_PER_MINUTE = "2";
    process.env.TRUSTED_PROXY_HOPS = "1";
    resetEnvForTests();
    resetRateLimiterForTests();
    try {
      const ip = "192.0.2.77";
      let n = 1;
      const post = (name: string) =>
        POST(
          new Request(`http://localhost/api/webhooks/signals/${name}`, {
            method: "POST",
            // One trusted proxy: it appended the address it saw after the one the client wrote.
            headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${n++}, ${ip}` },
            body: JSON.stringify({ secret: "guess", action: "buy", symbol: "BTCUSDT" }),
          }),
          { params: Promise.resolve({ name }) },
        );
      expect((await post("guess-a")).status).toBe(401);
      expect((await post("guess-b")).status).toBe(401);
      const limited = await post("guess-c");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await limited.json()).error.code).toBe("rate_limited");
    } finally {
      for (const [key, value] of [["SIGNAL_IP_RATE_LIMIT_PER_MINUTE", saved.limit], ["TRUSTED_PROXY_HOPS", saved.hops]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      resetEnvForTests();
      resetRateLimiterForTests();
    }
  });
});
