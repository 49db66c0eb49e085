import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { listActiveVenueBans } from "@/db/queries/venue-bans";
import { outboxBacklog, signalBacklog } from "@/db/queries/operations";
import { log } from "@/lib/logger";

const PREFIX = "signalbridge_";

// A scrape must answer even when the database does not: a gauge that cannot be read is left unset.
async function safely(what: string, fn: () => Promise<void>) {
  await fn().catch((error: unknown) => log({ metric: what }).warn({ err: error }, "metric not collected"));
}

function build() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  return {
    registry,
    webhookRequests: new Counter({ name: `${PREFIX}webhook_requests_total`, help: "Signal webhook requests by outcome.", labelNames: ["outcome"], registers }),
    ingestSeconds: new Histogram({ name: `${PREFIX}webhook_ingest_seconds`, help: "Time to take in one signal webhook request.", buckets: seconds, registers }),
    queueDepth: new Gauge({
      name: `${PREFIX}queue_depth`,
      help: "Signal events waiting to run.",
      registers,
      async collect() {
        await safely("queue", async () => {
          const { depth, oldestAt } = await signalBacklog();
          this.set(depth);
          metrics().queueOldestAge.set(oldestAt ? Math.max(0, (Date.now() - oldestAt.getTime()) / 1000) : 0);
        });
      },
    }),
    queueOldestAge: new Gauge({ name: `${PREFIX}queue_oldest_age_seconds`, help: "Age of the oldest signal event waiting to run (0 when none).", registers }),
    drainSeconds: new Histogram({ name: `${PREFIX}drain_duration_seconds`, help: "Duration of one drain of the signal queue.", labelNames: ["trigger"], buckets: seconds, registers }),
    jobRuns: new Counter({ name: `${PREFIX}job_runs_total`, help: "Scheduled job runs by job and outcome.", labelNames: ["job", "outcome"], registers }),
    jobSeconds: new Histogram({ name: `${PREFIX}job_duration_seconds`, help: "Duration of scheduled job runs.", labelNames: ["job"], buckets: seconds, registers }),
    orders: new Counter({ name: `${PREFIX}orders_total`, help: "Orders sent to a venue, by venue and outcome.", labelNames: ["venue", "outcome"], registers }),
    exchangeSeconds: new Histogram({ name: `${PREFIX}exchange_request_seconds`, help: "Latency of HTTP requests to a venue.", labelNames: ["venue"], buckets: seconds, registers }),
    exchangeErrors: new Counter({ name: `${PREFIX}exchange_errors_total`, help: "Failed HTTP requests to a venue, by error code.", labelNames: ["venue", "code"], registers }),
    budgetUsed: new Gauge({ name: `${PREFIX}rate_budget_used_ratio`, help: "Share of a venue's request-weight budget spent, as this process last saw it.", labelNames: ["venue"], registers }),
    budgetExhausted: new Counter({ name: `${PREFIX}rate_budget_exhausted_total`, help: "Calls refused because a venue's shared budget was spent.", labelNames: ["venue"], registers }),
    bansSeen: new Counter({ name: `${PREFIX}venue_bans_total`, help: "Bans (418, WAF 403) a venue answered.", labelNames: ["venue"], registers }),
    bansActive: new Gauge({
      name: `${PREFIX}venue_bans_active`,
      help: "Outbound addresses a venue currently bans.",
      labelNames: ["venue"],
      registers,
      async collect() {
        await safely("bans", async () => {
          this.reset();
          for (const ban of await listActiveVenueBans()) this.inc({ venue: ban.venue });
        });
      },
    }),
    outboxBacklog: new Gauge({
      name: `${PREFIX}outbox_backlog`,
      help: "Notification deliveries by state: pending (to send), retrying (failed, will retry), dead (given up).",
      labelNames: ["state"],
      registers,
      async collect() {
        await safely("outbox", async () => {
          const backlog = await outboxBacklog();
          this.set({ state: "pending" }, backlog.pending);
          this.set({ state: "retrying" }, backlog.retrying);
          this.set({ state: "dead" }, backlog.dead);
        });
      },
    }),
    notificationWriteFailures: new Counter({
      name: `${PREFIX}notification_write_failures_total`,
      help: "Notification events that could not be written to the outbox (the change they describe went ahead), by event type.",
      labelNames: ["type"],
      registers,
    }),
    notificationDeliveryFailures: new Counter({
      name: `${PREFIX}notification_delivery_failures_total`,
      help: "Failed notification delivery attempts, by channel and whether the delivery was given up (dead).",
      labelNames: ["channel", "dead"],
      registers,
    }),
    loginFailures: new Counter({ name: `${PREFIX}login_failures_total`, help: "Refused sign-ins by reason.", labelNames: ["reason"], registers }),
    lockouts: new Counter({ name: `${PREFIX}login_lockouts_total`, help: "Accounts locked after too many wrong attempts.", registers }),
  };
}

export type Metrics = ReturnType<typeof build>;

// Next.js may evaluate this module in several bundles (and again on every dev reload): one registry per process.
const globalForMetrics = globalThis as unknown as { __sbMetrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.__sbMetrics ??= build();
  return globalForMetrics.__sbMetrics;
}
