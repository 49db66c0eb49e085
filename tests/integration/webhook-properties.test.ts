import { asc } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queueJobs, signalDeliveries, signalEvents, signals } from "@/db/schema";
import { useTestDatabase } from "../helpers/test-db";

// Whatever a sender posts, a malformed delivery is a 4xx that says what to fix, and nothing is queued.
const deferred = vi.hoisted(() => ({ tasks: [] as (() => unknown)[] }));
vi.mock("next/server", async (original) => ({
  ...(await original<typeof import("next/server")>()),
  after: (task: () => unknown) => void deferred.tasks.push(task),
}));

const { POST } = await import("@/app/api/webhooks/signals/[name]/route");
const { resetEnvForTests } = await import("@/lib/env");
const { getQueue } = await import("@/lib/queue");
const { MAX_SIGNAL_BODY_BYTES, normalizeSymbol } = await import("@/lib/signals");
const { signalBodySchema } = await import("@/lib/signals/payload");
const { newSignalCredentials } = await import("@/lib/signals/signing-key");

const testDb = useTestDatabase();
const LIMITS = { SIGNAL_RATE_LIMIT_PER_MINUTE: "100000", SIGNAL_IP_RATE_LIMIT_PER_MINUTE: "1000000" };
const RUNS = { numRuns: 100 };
const NAME = "props-sig";
const OFF = "props-off";
let secret = "";
let offSecret = "";

beforeAll(async () => {
  Object.assign(process.env, LIMITS);
  resetEnvForTests();
  const on = newSignalCredentials();
  const off = newSignalCredentials();
  secret = on.secret;
  offSecret = off.secret;
  await testDb.db.insert(signals).values([
    { name: NAME, ...on.columns },
    { name: OFF, ...off.columns, enabled: false },
  ]);
});

afterAll(() => {
  for (const key of Object.keys(LIMITS)) delete process.env[key];
  resetEnvForTests();
});

type Body = string | Uint8Array | ReadableStream<Uint8Array>;

function post(body: Body, opts: { name?: string; contentType?: string | null; headers?: Record<string, string> } = {}) {
  const name = opts.name ?? NAME;
  const headers = new Headers(opts.headers);
  const contentType = opts.contentType === undefined ? "application/json" : opts.contentType;
  if (contentType !== null) headers.set("content-type", contentType);
  // Bytes, so the Request adds no content type of its own (a string body would get text/plain).
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body: bytes as BodyInit };
  if (body instanceof ReadableStream) init.duplex = "half";
  return POST(new Request(`http://localhost/api/webhooks/signals/${encodeURIComponent(name)}`, init), {
    params: Promise.resolve({ name }),
  });
}

/** Every row a delivery could add or change, and the queue as the drain sees it. */
async function snapshot() {
  const db = testDb.db;
  const [events, deliveries, jobs, signalRows, queued] = await Promise.all([
    db.select().from(signalEvents).orderBy(asc(signalEvents.id)),
    db.select().from(signalDeliveries).orderBy(asc(signalDeliveries.id)),
    db.select().from(queueJobs).orderBy(asc(queueJobs.id)),
    db.select().from(signals).orderBy(asc(signals.id)),
    getQueue().then((q) => q.size("signals")),
  ]);
  return { events, deliveries, jobs, signals: signalRows, queued };
}

/** A 4xx in the route's error shape, with a sentence rather than a bare code. */
async function expectRefused(response: Response, status?: number) {
  const text = await response.text();
  if (status !== undefined) expect(response.status, text).toBe(status);
  expect(response.status, text).toBeGreaterThanOrEqual(400);
  expect(response.status, text).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code).toEqual(expect.stringMatching(/^[a-z_]+$/));
  expect(typeof body.error?.message).toBe("string");
  expect((body.error!.message as string).length).toBeGreaterThan(15);
  return body.error as { code: string; message: string };
}

/** Runs `property` and checks the database was left exactly as it was (rejected deliveries allowed when told). */
async function unchanged(run: () => Promise<void>, opts: { rejectedDeliveries?: boolean } = {}) {
  deferred.tasks.splice(0);
  const before = await snapshot();
  await run();
  const after = await snapshot();
  expect(after.events).toEqual(before.events);
  expect(after.jobs).toEqual(before.jobs);
  expect(after.queued).toEqual(before.queued);
  expect(after.signals).toEqual(before.signals);
  if (opts.rejectedDeliveries) {
    expect(after.deliveries.slice(0, before.deliveries.length)).toEqual(before.deliveries);
    expect(after.deliveries.slice(before.deliveries.length).every((d) => d.outcome === "rejected" && d.eventId === null)).toBe(true);
  } else {
    expect(after.deliveries).toEqual(before.deliveries);
  }
  expect(deferred.tasks).toHaveLength(0);
}

const valid = () => ({ secret, action: "buy", symbol: "BINANCE:BTCUSDT", price: "42000.5", id: "x-1", comment: "entry" });

/** A value of the wrong shape for a field, checked against the parser so it is invalid for sure. */
const wrongShape = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constantFrom("", " ", "-1", "0", "NaN", "Infinity", "1e999", "buy ", "BUY!", "long", "2025-13-45", "0x10"),
);
const FIELDS = ["secret", "action", "position", "symbol", "price", "id", "timestamp", "max_lag", "comment", "test_strategy"] as const;

const contentTypes = fc.oneof(
  fc.constantFrom<string | null>("application/json", "text/plain; charset=utf-8", null, "application/x-www-form-urlencoded", "multipart/form-data", ""),
  fc.string({ maxLength: 40 }),
);

describe("the signal webhook under malformed input on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("answers any JSON value without the secret with a 4xx and stores nothing", async () => {
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), contentTypes, async (value, contentType) => {
          await expectRefused(await post(JSON.stringify(value), { contentType }));
        }),
        RUNS,
      ),
    );
  });

  it("names the field when one field of an authenticated signal has the wrong shape", async () => {
    const arb = fc
      .record({ field: fc.constantFrom(...FIELDS), value: wrongShape })
      .map(({ field, value }) => ({ field, body: { ...valid(), [field]: value } as Record<string, unknown> }))
      .filter(({ body }) => !signalBodySchema.safeParse(body).success);
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(arb, async ({ field, body }) => {
          const error = await expectRefused(await post(JSON.stringify(body)), 400);
          expect(error.code).toBe("bad_request");
          // A NUL anywhere is refused for the whole body (PostgreSQL text cannot hold it), and says so.
          if (JSON.stringify(body).includes("\\u0000")) expect(error.message).toContain("NUL");
          else expect(error.message).toContain(`${field}:`);
        }),
        RUNS,
      ),
    );
  });

  it("refuses a missing or wrong secret, a bad signature or an unknown name with 401 and stores nothing", async () => {
    const arb = fc.record({
      secret: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }).filter((s) => s !== secret && s?.trim() !== secret),
      name: fc.oneof(fc.constant(NAME), fc.string({ minLength: 1, maxLength: 70 }).filter((n) => n !== NAME && n !== OFF)),
      signature: fc.option(
        fc.record({
          "x-signature": fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^t=\d{1,12},v1=[0-9a-f]{64}$/)),
          "x-timestamp": fc.oneof(fc.string({ maxLength: 15 }), fc.constant(String(Math.floor(Date.now() / 1000)))),
        }),
        { nil: undefined },
      ),
      action: fc.constantFrom("buy", "sell", "close", "cancel"),
    });
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(arb, async ({ secret: wrong, name, signature, action }) => {
          const body = { secret: wrong, action, symbol: "BTCUSDT", id: "no-secret" };
          const headers = signature && signature["x-signature"].trim() ? signature : undefined;
          const response = await post(JSON.stringify(body), { name, headers });
          const error = await expectRefused(response, 401);
          expect(error.code).toBe("unauthorized");
        }),
        RUNS,
      ),
    );
  });

  it("answers text that is not JSON and bytes that are not UTF-8 with a 4xx", async () => {
    const notJson = fc.string({ unit: "binary", maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    // Bytes from the upper half are never a complete UTF-8 sequence on their own.
    const badUtf8 = fc
      .tuple(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => a.map((b) => 0x80 | (b & 0x3f))))
      .map(([a, b]) => Uint8Array.from([...a, ...b]));
    // Nested deeper than any parser needs, where a string or a number belongs.
    const deep = fc.record({ depth: fc.integer({ min: 100, max: 5000 }), key: fc.constantFrom("symbol", "price", "comment", "id") }).map(
      ({ depth, key }) => `{"secret":"${secret}","action":"buy","symbol":"BTCUSDT","${key}":${"[".repeat(depth)}${"]".repeat(depth)}}`,
    );
    const bodies = fc.oneof(notJson, deep, badUtf8, badUtf8.map((bytes) => Uint8Array.from([...Buffer.from(`{"secret":"${secret}","action":"buy","symbol":"`), ...bytes, ...Buffer.from(`"}`)])));
    await unchanged(
      () =>
        fc.assert(
          fc.asyncProperty(bodies, contentTypes, async (body, contentType) => {
            await expectRefused(await post(body, { contentType }));
          }),
          RUNS,
        ),
      // Bytes inside an authenticated symbol reach the symbol check, which logs the refusal.
      { rejectedDeliveries: true },
    );
  });

  it("refuses a body that is not application/json or text/plain with 415, whatever it holds", async () => {
    const type = fc.oneof(fc.constantFrom<string | null>(null, "", "application/xml", "text/html", "application/jsonx"), fc.string({ maxLength: 30 })).filter((t) => {
      const media = (t ?? "").split(";")[0]!.trim().toLowerCase();
      return media !== "application/json" && media !== "text/plain";
    });
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(type, async (contentType) => {
          const error = await expectRefused(await post(JSON.stringify(valid()), { contentType }), 415);
          expect(error.code).toBe("unsupported_media_type");
        }),
        { numRuns: 60 },
      ),
    );
  });

  it("refuses oversized bodies with 413, streamed or declared, and long fields with 400", async () => {
    const sizes = fc.integer({ min: MAX_SIGNAL_BODY_BYTES + 1, max: MAX_SIGNAL_BODY_BYTES * 4 });
    const oversized = fc.record({ size: sizes, how: fc.constantFrom("plain", "stream", "declared") });
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(oversized, async ({ size, how }) => {
          const text = JSON.stringify({ ...valid(), comment: "x".repeat(size) });
          let response: Response;
          if (how === "plain") response = await post(text);
          else if (how === "stream") {
            const bytes = Buffer.from(text);
            const stream = new ReadableStream<Uint8Array>({
              start(controller) {
                for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.subarray(i, i + 4096));
                controller.close();
              },
            });
            response = await post(stream);
          } else response = await post(JSON.stringify(valid()), { headers: { "content-length": String(size) } });
          const error = await expectRefused(response, 413);
          expect(error.code).toBe("payload_too_large");
        }),
        { numRuns: 30 },
      ),
    );

    const long = fc.oneof(
      fc.record({ field: fc.constant("comment"), value: fc.string({ minLength: 501, maxLength: 4000 }) }),
      fc.record({ field: fc.constant("symbol"), value: fc.stringMatching(/^[A-Z]{65,200}$/) }),
      fc.record({ field: fc.constant("id"), value: fc.stringMatching(/^[a-z0-9]{101,400}$/) }),
      fc.record({ field: fc.constant("price"), value: fc.stringMatching(/^[1-9]\d{40,100}$/) }),
    );
    await unchanged(() =>
      fc.assert(
        fc.asyncProperty(long, async ({ field, value }) => {
          const body = JSON.stringify({ ...valid(), [field]: value });
          if (Buffer.byteLength(body) > MAX_SIGNAL_BODY_BYTES) return;
          const error = await expectRefused(await post(body), 400);
          expect(error.message).toContain(`${field}:`);
        }),
        { numRuns: 60 },
      ),
    );
  });

  it("refuses an authenticated signal for an unknown market, when stale, or when disabled, and queues nothing", async () => {
    const unknownSymbol = fc
      .oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ unit: "binary", minLength: 1, maxLength: 64 }))
      .filter((s) => s.trim() !== "" && !s.includes("\u0000") && normalizeSymbol(s) === null);
    await unchanged(
      () =>
        fc.assert(
          fc.asyncProperty(unknownSymbol, async (symbol) => {
            const error = await expectRefused(await post(JSON.stringify({ ...valid(), symbol })), 400);
            expect(error.message).toContain("symbol:");
          }),
          RUNS,
        ),
      { rejectedDeliveries: true },
    );

    const staleness = fc.record({ lag: fc.integer({ min: 1, max: 86_400 }), extra: fc.integer({ min: 2, max: 10 * 86_400 }) });
    await unchanged(
      () =>
        fc.assert(
          fc.asyncProperty(staleness, async ({ lag, extra }) => {
            const timestamp = Math.floor(Date.now() / 1000) - lag - extra;
            const error = await expectRefused(await post(JSON.stringify({ ...valid(), timestamp, max_lag: lag })), 422);
            expect(error.code).toBe("stale");
          }),
          { numRuns: 40 },
        ),
      { rejectedDeliveries: true },
    );

    await unchanged(
      async () => {
        const error = await expectRefused(await post(JSON.stringify({ ...valid(), secret: offSecret }), { name: OFF }), 403);
        expect(error.code).toBe("disabled");
      },
      { rejectedDeliveries: true },
    );
  });

  it("still takes a well-formed signal after all that (the properties above are not vacuous)", async () => {
    const before = await snapshot();
    const response = await post(JSON.stringify({ ...valid(), id: "well-formed" }));
    expect(response.status).toBe(202);
    const after = await snapshot();
    expect(after.events).toHaveLength(before.events.length + 1);
    expect(after.jobs.length + after.queued.ready).toBeGreaterThan(before.jobs.length + before.queued.ready);
    deferred.tasks.splice(0);
  });
});
