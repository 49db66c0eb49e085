import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { signals, strategyExecutions, type Strategy } from "@/db/schema";
import { env } from "@/lib/env";
import { computeSignature } from "@/lib/signals/secrets";
import { signingKeyOf } from "@/lib/signals/signing-key";
import { drainSignals } from "./drain";

export type TestSignalResult =
  | { ok: true; eventId: string; execution: { outcome: string; reason: string | null } | null }
  | { ok: false; reason: "paper_only" | "signal_disabled" | "rejected" };

/** The app's own address: APP_URL, or a loopback host; never a host a request made up. */
async function ownOrigin(): Promise<string | null> {
  const configured = env().APP_URL;
  if (configured) return configured.replace(/\/$/, "");
  const host = (await headers()).get("host") ?? "";
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host) ? `http://${host}` : null;
}

/**
 * "Send test signal": a real, signed POST to the strategy's own webhook, marked to run for this strategy
 * only (and only on paper accounts), then drained at once so the trader sees the result.
 */
export async function sendTestSignal(opts: { userId: string; strategy: Strategy; action: string; price?: string }): Promise<TestSignalResult> {
  const account = await getAccountForTrading(opts.userId, opts.strategy.accountId);
  if (!account || account.exchange !== "paper") return { ok: false, reason: "paper_only" };
  const db = await getDb();
  const [signal] = await db.select().from(signals).where(eq(signals.id, opts.strategy.signalId));
  if (!signal?.enabled) return { ok: false, reason: "signal_disabled" };

  const body = JSON.stringify({
    action: opts.action,
    symbol: opts.strategy.symbol,
    ...(opts.price ? { price: opts.price } : {}),
    id: `test-${randomUUID()}`,
    comment: "Test signal from the strategy page",
    test_strategy: opts.strategy.id,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = computeSignature(body, timestamp, signingKeyOf(signal));
  const origin = await ownOrigin();
  if (!origin) return { ok: false, reason: "rejected" };
  const res = await fetch(`${origin}/api/webhooks/signals/${encodeURIComponent(signal.name)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Timestamp": timestamp, "X-Signature": signature },
    body,
  });
  const answer = (await res.json().catch(() => ({}))) as { eventId?: string };
  if (res.status !== 202 || !answer.eventId) return { ok: false, reason: "rejected" };

  // The webhook has already scheduled a drain; run one here too and wait for whichever gets the event.
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainSignals({ budgetMs: 3_000 });
    const [execution] = await db
      .select({ outcome: strategyExecutions.outcome, reason: strategyExecutions.reason })
      .from(strategyExecutions)
      .where(and(eq(strategyExecutions.strategyId, opts.strategy.id), eq(strategyExecutions.eventId, answer.eventId)));
    if (execution || Date.now() > deadline) return { ok: true, eventId: answer.eventId, execution: execution ?? null };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
