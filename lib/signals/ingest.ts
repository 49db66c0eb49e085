import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { addressBucket } from "@/lib/request";
import { signalDeliveries, signalEvents, signals } from "@/db/schema";
import { signalChanges } from "@/db/queries/signals";
import { parseSignalBody, type SignalPayload } from "./payload";
import { SIGNATURE_MISMATCH, presentedSecretMatches, sha256Hex, verifySignature } from "./secrets";
import { dummySigningKey, signingKeyOf, upgradeLegacyKey } from "./signing-key";
import { normalizeSymbol } from "./symbols";
import { log } from "@/lib/logger";
import { groupCommit, type GroupCommit } from "@/lib/group-commit";

export const MAX_SIGNAL_BODY_BYTES = 16_384;
/**
 * An identical body without an `id` received less than this long before or after an accepted event of
 * that body is its duplicate: a sliding window measured from the accepted delivery (duplicates do not
 * extend it), whatever minute either falls in.
 */
export const BODY_DEDUPE_WINDOW_MS = 60_000;

/** First key of the two-key advisory locks that serialise de-duplication of one signal's deliveries. */
const DEDUPE_LOCK_NAMESPACE = 0x5167_6e01;

type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

/** `limitFactor` scales the configured limit (the shared bucket of unknown addresses is larger). */
export type RateLimitCheck = (key: string, limitFactor?: number) => Promise<{ allowed: boolean; retryAfterMs: number }>;

export interface IngestInput {
  name: string;
  rawBody: string;
  contentType: string | null;
  headers: { signature?: string | null; timestamp?: string | null };
  ip: string | null;
  now?: Date;
  enqueue: (eventId: string) => Promise<void>;
  /** Per-signal limit; the key is `signal:<signal id>`. Everything is allowed when absent. */
  limit?: RateLimitCheck;
  /** Per-address limit, checked before anything is read; the key is `signal-ip:<address bucket>`. */
  ipLimit?: RateLimitCheck;
}

export interface IngestResult {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const fail = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): IngestResult => ({
  status,
  body: { error: { code, message }, ...extra },
});

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

type Outcome = "accepted" | "duplicate" | "rejected";

const UNAUTHORIZED_SECRET =
  'Wrong or missing secret, or no enabled signal has this name: check the name in the URL and put the signal\'s secret in the body\'s "secret" field.';

const rateLimited = (retryAfterMs: number, message: (seconds: number) => string): IngestResult => {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    ...fail(429, "rate_limited", message(retryAfter), { retryAfter }),
    headers: { "Retry-After": String(retryAfter) },
  };
};

/** Takes one delivery from a signal source: validates, authenticates, de-duplicates, stores and enqueues it. */
export async function ingestSignal(input: IngestInput): Promise<IngestResult> {
  const now = input.now ?? new Date();

  // Before anything else, so a flood of guesses costs the server no database or crypto work. Unknown
  // addresses share one larger bucket, IPv6 counts per /64 (addressBucket).
  if (input.ipLimit) {
    const bucket = addressBucket(input.ip);
    const verdict = await input.ipLimit(`signal-ip:${bucket.key}`, bucket.limitFactor);
    if (!verdict.allowed) {
      return rateLimited(
        verdict.retryAfterMs,
        (seconds) => `Too many requests from this address in the last minute: this one was not read; send it again in ${seconds} s.`,
      );
    }
  }

  const type = mediaType(input.contentType);
  if (type !== "application/json" && type !== "text/plain") {
    return fail(
      415,
      "unsupported_media_type",
      `Content-Type ${type ? `"${type}"` : "is missing and"} is not accepted: send the body as application/json or text/plain.`,
    );
  }
  if (Buffer.byteLength(input.rawBody, "utf8") > MAX_SIGNAL_BODY_BYTES) {
    return fail(413, "payload_too_large", `The body is larger than ${MAX_SIGNAL_BODY_BYTES} bytes: send only the signal fields.`);
  }
  // Parsed before the signal is looked up, so a bad body is answered alike whether the name exists or not.
  const parsed = parseSignalBody(input.rawBody);
  if (!parsed.ok) return fail(parsed.status, "bad_request", parsed.message);
  const payload = parsed.data;

  const db = await getDb();
  const found = await signalByName(db, input.name);
  const signal = found?.row;

  // An unknown name is checked against a key nobody has: the same work and the same answer as a wrong secret.
  const { key: signingKey, scheme } = found ?? dummySigningKey();
  const signatureHeader = input.headers.signature?.trim();
  let verifiedSignature: string | undefined;
  if (signatureHeader) {
    const check = verifySignature({ rawBody: input.rawBody, timestamp: input.headers.timestamp, signature: signatureHeader, key: signingKey, now });
    if (!check.ok || !signal) return fail(401, "unauthorized", check.ok ? SIGNATURE_MISMATCH : check.message);
    verifiedSignature = check.signature;
  } else {
    const matches = payload.secret !== undefined && presentedSecretMatches(payload.secret, signingKey, scheme);
    if (!matches || !signal) return fail(401, "unauthorized", UNAUTHORIZED_SECRET);
  }
  // A signal from before keys were sealed: seal its key now, so the database no longer holds it.
  if (!signal.signingKeyEnc) {
    await upgradeLegacyKey(signal.id, signal);
    forgetCachedSignals();
  }

  // Authenticated from here on: every outcome is recorded for the signal's delivery log.
  const record = async (outcome: Outcome, reason: string | null, symbol: string, eventId: string | null = null) => {
    await batchesOf(db).deliveries({
      signalId: signal.id,
      eventId,
      outcome,
      reason,
      action: payload.action,
      symbol,
      ip: input.ip,
      receivedAt: now,
    });
  };

  // The sender knows the secret, so it may learn that the signal is switched off.
  if (!signal.enabled) {
    await record("rejected", "signal disabled", payload.symbol);
    return fail(403, "disabled", "This signal is disabled, so the delivery was not accepted: an administrator can enable it on the Signals page.");
  }

  const normalized = normalizeSymbol(payload.symbol);
  if (!normalized) {
    await record("rejected", `unknown symbol: ${payload.symbol}`, payload.symbol);
    return fail(
      400,
      "bad_request",
      `symbol: "${payload.symbol}" is not a recognised market; use forms such as BTCUSDT, BINANCE:BTCUSDT, BTCUSDT.P or BTC/USDT.`,
    );
  }
  const symbol = normalized.symbol;

  if (payload.timestamp && payload.max_lag !== undefined) {
    const ageSeconds = Math.floor((now.getTime() - payload.timestamp.getTime()) / 1000);
    if (ageSeconds > payload.max_lag) {
      await record("rejected", `stale: ${ageSeconds} s old, max_lag ${payload.max_lag} s`, symbol);
      return fail(
        422,
        "stale",
        `The signal is ${ageSeconds} s old, more than max_lag ${payload.max_lag} s: it was not executed. Check the sender's clock and delays, or raise max_lag.`,
      );
    }
  }

  const { key, lookup, anyAge, lock } = idempotencyKeys(payload, input.rawBody, now, verifiedSignature);
  // Fast path, without a lock: most duplicates are answered here, before the rate limit is consulted.
  const existing = anyAge ? await batchesOf(db).exactLookups({ signalId: signal.id, key }) : await findDuplicate(db, signal.id, lookup, now, anyAge);
  if (existing) {
    await record("duplicate", null, symbol, existing);
    return { status: 202, body: { duplicate: true, eventId: existing } };
  }

  if (input.limit) {
    const verdict = await input.limit(`signal:${signal.id}`);
    if (!verdict.allowed) {
      const retryAfter = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      await record("rejected", `rate limited: retry after ${retryAfter} s`, symbol);
      return rateLimited(
        verdict.retryAfterMs,
        (seconds) => `Too many signals for this signal name in the last minute: this one was not accepted; send it again in ${seconds} s.`,
      );
    }
  }

  const event: NewEvent = {
    signalId: signal.id,
    idempotencyKey: key,
    action: payload.action,
    targetPosition: payload.position ?? null,
    symbol,
    rawSymbol: payload.symbol,
    price: payload.price ?? null,
    comment: payload.comment ?? null,
    sentAt: payload.timestamp ?? null,
    maxLagSeconds: payload.max_lag ?? null,
    receivedAt: now,
    status: "queued",
    test: payload.test_strategy !== undefined,
    testStrategyId: payload.test_strategy ?? null,
  };
  const insertEvent = (tx: Executor) =>
    tx
      .insert(signalEvents)
      .values(event)
      .onConflictDoNothing({ target: [signalEvents.signalId, signalEvents.idempotencyKey] })
      .returning({ id: signalEvents.id });
  const settle = async (tx: Executor, created: { id: string } | undefined): Promise<{ created: string } | { duplicate: string }> => {
    if (created) return { created: created.id };
    // The key is taken by a concurrent delivery (or, for a body's key, by a writer that did not hold the lock).
    const winner = await findDuplicate(tx, signal.id, [key], now, true);
    if (!winner) throw new Error(`signal event with key ${key} conflicted but was not found`);
    return { duplicate: winner };
  };
  // An id or a signature is one exact key: the unique (signal, key) index alone makes one event of it, in
  // one statement (a concurrent insert of the key waits for the first and then does nothing).
  // A body's deliveries stored under different minute-bucket keys would both pass the unique index, so
  // the lookup and the insert are taken one at a time under a transaction-scoped advisory lock. Read
  // committed: the lookup, run after the lock is granted, sees the event committed by the previous
  // holder. Nothing in the transaction may use `db` (PGlite is one connection, held by it).
  // Concurrent deliveries' exact-key inserts go to the database as one statement (group commit).
  const stored = anyAge
    ? await settle(db, await batchesOf(db).events(event))
    : await db.transaction(async (tx): Promise<{ created: string } | { duplicate: string }> => {
        await tx.execute(sql`select pg_advisory_xact_lock(${DEDUPE_LOCK_NAMESPACE}::int4, hashtext(${`${signal.id}:${lock}`}))`);
        const duplicate = await findDuplicate(tx, signal.id, lookup, now, anyAge);
        if (duplicate) return { duplicate };
        return settle(tx, (await insertEvent(tx))[0]);
      });

  if ("duplicate" in stored) {
    await record("duplicate", null, symbol, stored.duplicate);
    return { status: 202, body: { duplicate: true, eventId: stored.duplicate } };
  }
  const created = { id: stored.created };

  try {
    await input.enqueue(created.id);
  } catch (error) {
    // An event nobody will run would hold back every later event of this signal: take it back out.
    await db.delete(signalEvents).where(eq(signalEvents.id, created.id));
    const why = error instanceof Error ? error.message : String(error);
    await record("rejected", `queue unavailable: ${why}`.slice(0, 500), symbol);
    log({ signal: input.name, eventId: created.id }).error({ why }, "enqueue failed, event withdrawn");
    return fail(503, "unavailable", "The signal queue is unavailable, so this signal was not accepted: send it again shortly.");
  }

  await record("accepted", null, symbol, created.id);
  return { status: 202, body: { accepted: true, duplicate: false, eventId: created.id } };
}

/**
 * `id:<id>` when the sender gives an id. Otherwise, for a signed request, a digest of its signature: one
 * signed request (timestamp and body) is executed once, and a replay of it is a duplicate for as long as
 * its signature is accepted (±300 s), and after (signal events are kept; a clean-up that removes them must
 * keep them past SIGNATURE_WINDOW_SECONDS). A sender that signs a retry afresh gives it an `id`.
 * Otherwise the body: an event of the same body received less than BODY_DEDUPE_WINDOW_MS before or after
 * `now` makes it a duplicate. The key stored is the body hash with the minute bucket (so a later event of
 * the body gets a key of its own); the lookup covers the buckets either side, which hold every event within
 * 60 s. `lock` names what ingestSignal serialises on: the key, or the body hash whatever its bucket.
 */
export function idempotencyKeys(payload: Pick<SignalPayload, "id">, rawBody: string, now: Date, signature?: string) {
  if (payload.id !== undefined) {
    const key = `id:${payload.id}`;
    return { key, lookup: [key], anyAge: true, lock: key };
  }
  if (signature) {
    // The digest verifySignature matched, in lowercase hex: every spelling of one signature is one key.
    const key = `sig:${sha256Hex(signature.trim().replace(/^sha256=/i, "").toLowerCase())}`;
    return { key, lookup: [key], anyAge: true, lock: key };
  }
  const hash = sha256Hex(rawBody);
  const bucket = Math.floor(now.getTime() / BODY_DEDUPE_WINDOW_MS);
  const key = `body:${hash}:${bucket}`;
  return { key, lookup: [`body:${hash}:${bucket - 1}`, key, `body:${hash}:${bucket + 1}`], anyAge: false, lock: `body:${hash}` };
}

/** The event a delivery duplicates: any with an id or signature key; for a body key, the latest within the window. */
async function findDuplicate(db: Executor, signalId: string, keys: string[], now: Date, anyAge: boolean): Promise<string | null> {
  const rows = await db
    .select({ id: signalEvents.id, receivedAt: signalEvents.receivedAt })
    .from(signalEvents)
    .where(and(eq(signalEvents.signalId, signalId), inArray(signalEvents.idempotencyKey, keys)))
    .orderBy(desc(signalEvents.receivedAt));
  const match = rows.find((row) => anyAge || Math.abs(now.getTime() - row.receivedAt.getTime()) < BODY_DEDUPE_WINDOW_MS);
  return match?.id ?? null;
}

type NewEvent = typeof signalEvents.$inferInsert;
type NewDelivery = typeof signalDeliveries.$inferInsert;

/**
 * A signal's row and opened signing key, read at most once a second per name and process: a burst on one
 * signal reads it and decrypts its key once, not per delivery. A signal changed in this process (enabled,
 * disabled, its secret rotated: updateSignal) is read afresh at once; another process sees the change
 * within SIGNAL_CACHE_MS. Unknown names are not kept (a flood of made-up names cannot
 * grow it), and the map is emptied when it reaches SIGNAL_CACHE_MAX names.
 */
const SIGNAL_CACHE_MS = 1_000;
const SIGNAL_CACHE_MAX = 1_000;

interface CachedSignal {
  row: SignalRow;
  key: string;
  scheme: ReturnType<typeof signingKeyOf>["scheme"];
  at: number;
  /** signalChanges() when it was read. */
  version: number;
}

type SignalRow = {
  id: string;
  enabled: boolean;
  secretHash: string;
  signingKeyEnc: string | null;
  signingKeyVersion: number | null;
  signingScheme: "v1" | "legacy";
};

// Next.js may evaluate this module in several bundles: one cache per server.
const globalForSignals = globalThis as unknown as { __sbSignalCache?: WeakMap<Database, Map<string, CachedSignal>> };

/** Drops every signal this process holds (after a signal's key was sealed). */
function forgetCachedSignals() {
  globalForSignals.__sbSignalCache = new WeakMap();
}

async function signalByName(db: Database, name: string): Promise<CachedSignal | undefined> {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) return undefined;
  const caches = (globalForSignals.__sbSignalCache ??= new WeakMap());
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(name);
  const at = Date.now();
  const version = signalChanges();
  if (hit && hit.version === version && at - hit.at < SIGNAL_CACHE_MS && hit.at <= at) return hit;
  const [row] = await db
    .select({
      id: signals.id,
      enabled: signals.enabled,
      secretHash: signals.secretHash,
      signingKeyEnc: signals.signingKeyEnc,
      signingKeyVersion: signals.signingKeyVersion,
      signingScheme: signals.signingScheme,
    })
    .from(signals)
    .where(eq(signals.name, name))
    .limit(1);
  if (!row) {
    cache.delete(name);
    return undefined;
  }
  const { key, scheme } = signingKeyOf(row);
  const fresh = { row, key, scheme, at, version };
  if (cache.size >= SIGNAL_CACHE_MAX) cache.clear();
  // A row not yet sealed is read again next time (its upgrade changes it).
  if (row.signingKeyEnc) cache.set(name, fresh);
  return fresh;
}

interface IngestBatches {
  /** The event already stored under an exact key (id or signature), looked up for many deliveries at once. */
  exactLookups: GroupCommit<{ signalId: string; key: string }, string | null>;
  /** An exact-key event: its id when this call created it; undefined when the key was already taken. */
  events: GroupCommit<NewEvent, { id: string } | undefined>;
  deliveries: GroupCommit<NewDelivery, void>;
}

const batches = new WeakMap<Database, IngestBatches>();
/** Each batch is one statement: a failed one stored nothing and its calls are tried alone (one bad row fails only itself). */
const ONE_STATEMENT = { isolateFailures: true };

/** The group-commit batches of one database handle (a burst of deliveries: one insert per batch, not per delivery). */
function batchesOf(db: Database): IngestBatches {
  let found = batches.get(db);
  if (!found) {
    found = {
      exactLookups: groupCommit(async (wanted: { signalId: string; key: string }[]) => {
        const rows = await db
          .select({ id: signalEvents.id, signalId: signalEvents.signalId, key: signalEvents.idempotencyKey })
          .from(signalEvents)
          .where(and(inArray(signalEvents.signalId, [...new Set(wanted.map((w) => w.signalId))]), inArray(signalEvents.idempotencyKey, [...new Set(wanted.map((w) => w.key))])));
        const byKey = new Map(rows.map((r) => [`${r.signalId}\u0000${r.key}`, r.id]));
        return wanted.map((w) => byKey.get(`${w.signalId}\u0000${w.key}`) ?? null);
      }, ONE_STATEMENT),
      events: groupCommit(async (rows: NewEvent[]) => {
        // One row per (signal, key): a key repeated within the batch is the first one's duplicate. Each
        // row carries its own id, so what was created is told by id, never by the key text read back
        // (the database may store a key differently from how it was sent, e.g. a lone surrogate). Rows
        // go in key order, so two processes' batches lock the unique index in one order (no deadlock).
        const first = new Map<string, number>();
        rows.forEach((row, i) => {
          const k = `${row.signalId}\u0000${row.idempotencyKey}`;
          if (!first.has(k)) first.set(k, i);
        });
        const ids = rows.map(() => randomUUID());
        const unique = [...first.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => ({ ...rows[i]!, id: ids[i]! }));
        const created = await db
          .insert(signalEvents)
          .values(unique)
          .onConflictDoNothing({ target: [signalEvents.signalId, signalEvents.idempotencyKey] })
          .returning({ id: signalEvents.id });
        const made = new Set(created.map((c) => c.id));
        return rows.map((_, i) => (made.has(ids[i]!) ? { id: ids[i]! } : undefined));
      }, ONE_STATEMENT),
      deliveries: groupCommit(async (rows: NewDelivery[]) => {
        await db.insert(signalDeliveries).values(rows);
        return rows.map(() => undefined);
      }, ONE_STATEMENT),
    };
    batches.set(db, found);
  }
  return found;
}
