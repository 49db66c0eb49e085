import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { signals, strategyExecutions, type Strategy } from "@/db/schema";
import { getQueue } from "@/lib/queue";
import { ingestSignal } from "@/lib/signals/ingest";
import { signatureHeader } from "@/lib/signals/secrets";
import { signingKeyOf } from "@/lib/signals/signing-key";
import { SIGNAL_QUEUE, drainSignals } from "./drain";

export type TestSignalResult =
  | { ok: true; eventId: string; execution: { outcome: string; reason: string | null } | null }
  | { ok: false; reason: "paper_only" | "signal_disabled" | "rejected" };

/**
 * "Send test signal": a signed delivery to the strategy's signal, taken in process by the same ingest the
 * webhook runs (never an HTTP request to an address a request could name), marked to run for this strategy
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
  const result = await ingestSignal({
    name: signal.name,
    rawBody: body,
    contentType: "application/json",
    headers: { signature: signatureHeader(body, timestamp, signingKeyOf(signal).key) },
    ip: null,
    enqueue: async (eventId) => {
      await (await getQueue()).enqueue(SIGNAL_QUEUE, { eventId });
    },
  });
  const eventId = typeof result.body.eventId === "string" ? result.body.eventId : null;
  if (result.status !== 202 || !eventId) return { ok: false, reason: "rejected" };

  // A drain elsewhere (cron, a webhook's) may take the event first: wait for whichever gets it.
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainSignals({ budgetMs: 3_000 });
    const [execution] = await db
      .select({ outcome: strategyExecutions.outcome, reason: strategyExecutions.reason })
      .from(strategyExecutions)
      .where(and(eq(strategyExecutions.strategyId, opts.strategy.id), eq(strategyExecutions.eventId, eventId)));
    if (execution || Date.now() > deadline) return { ok: true, eventId: eventId, execution: execution ?? null };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
