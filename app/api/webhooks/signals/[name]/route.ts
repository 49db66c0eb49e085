import { after } from "next/server";
import { drainKicker } from "@/lib/engine/drain-kick";
import { env } from "@/lib/env";
import { getQueue } from "@/lib/queue";
import { getRateLimiter } from "@/lib/ratelimit";
import { log, requestIdOf, withLogContext } from "@/lib/logger";
import { metrics, timeDrain, webhookOutcome } from "@/lib/metrics";
import { clientIp } from "@/lib/request";
import { MAX_SIGNAL_BODY_BYTES, ingestSignal, readTextCapped, type RateLimitCheck } from "@/lib/signals";

export const dynamic = "force-dynamic";

const SIGNAL_QUEUE = "signals";
// no-transform: the answers are a few dozen bytes, so the server does not gzip them (it would for every one).
const NO_STORE = { "Cache-Control": "no-store, no-transform" };

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return Response.json({ error: { code, message } }, { status, headers: { ...NO_STORE, ...headers } });
}

const tooLarge = () =>
  errorResponse(413, "payload_too_large", `The body is larger than ${MAX_SIGNAL_BODY_BYTES} bytes: send only the signal fields.`);

// The shared limiter guards against floods; if it is down, signals still go through rather than being lost.
const limitPerMinute =
  (limit: () => number): RateLimitCheck =>
  async (key, limitFactor = 1) => {
    try {
      const limiter = await getRateLimiter();
      const { allowed, retryAfterMs } = await limiter.hit(key, { limit: limit() * limitFactor, windowMs: 60_000 });
      return { allowed, retryAfterMs };
    } catch (error) {
      log().error({ err: error }, "signal rate limiter unavailable, allowing");
      return { allowed: true, retryAfterMs: 0 };
    }
  };

const perSignalLimit = limitPerMinute(() => env().SIGNAL_RATE_LIMIT_PER_MINUTE);
const perIpLimit = limitPerMinute(() => env().SIGNAL_IP_RATE_LIMIT_PER_MINUTE);

async function enqueue(eventId: string) {
  const queue = await getQueue();
  await queue.enqueue(SIGNAL_QUEUE, { eventId });
}

const ingestDrain = drainKicker(
  () => import("@/lib/engine/drain").then((m) => timeDrain("ingest", () => m.drainSignals({ budgetMs: 20_000 }))),
  (error) => log().error({ err: error }, "signal drain after ingest failed"),
);

// Answers to a repeated delivery, told apart for the metrics only.
const duplicates = new WeakSet<Response>();

export async function POST(request: Request, ctx: { params: Promise<{ name: string }> }) {
  const started = performance.now();
  const requestId = requestIdOf(request);
  const response = await withLogContext({ requestId }, () => take(request, ctx));
  const outcome = webhookOutcome(response.status, duplicates.has(response));
  const seconds = (performance.now() - started) / 1000;
  metrics().webhookRequests.inc({ outcome });
  metrics().ingestSeconds.observe(seconds);
  log({ requestId }).info({ status: response.status, outcome, ms: Math.round(seconds * 1000) }, "signal webhook answered");
  return response;
}

async function take(request: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  let name = "?";
  try {
    name = (await ctx.params).name;
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_SIGNAL_BODY_BYTES) return tooLarge();
    const body = await readTextCapped(request.body, MAX_SIGNAL_BODY_BYTES);
    if (!body.ok) return tooLarge();

    const result = await ingestSignal({
      name,
      rawBody: body.text,
      contentType: request.headers.get("content-type"),
      headers: { signature: request.headers.get("x-signature"), timestamp: request.headers.get("x-timestamp") },
      ip: clientIp(request.headers),
      enqueue,
      limit: perSignalLimit,
      ipLimit: perIpLimit,
    });

    if (result.status === 202 && result.body.duplicate === false && env().DRAIN_ON_INGEST) {
      // Execute right away instead of waiting for the next cron tick (the cron drain is the safety net),
      // through the process's one kicked drain: a burst does not start a drain per signal.
      after(() => ingestDrain.kick());
    }
    const response = Response.json(result.body, { status: result.status, headers: { ...NO_STORE, ...result.headers } });
    if ("duplicate" in result.body && result.body.duplicate === true) duplicates.add(response);
    return response;
  } catch (error) {
    // Never the body: it carries the secret.
    log({ signal: name }).error({ err: error }, "signal webhook failed");
    return errorResponse(
      500,
      "internal",
      "The server failed while taking this signal; it may not have been recorded. Send it again (with the same id, a repeat is harmless).",
    );
  }
}

function methodNotAllowed() {
  return errorResponse(405, "method_not_allowed", "Use POST to deliver a signal to this webhook.", { Allow: "POST" });
}

export const GET = methodNotAllowed;
export const PUT = methodNotAllowed;
export const PATCH = methodNotAllowed;
export const DELETE = methodNotAllowed;
