import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export type JobTrigger = "cron" | "in_process";
export type JobOutcome = "ok" | "failed";

/** The last run of each scheduled job (cron route or in-process tick): one row per job, upserted per run. */
export const jobRuns = pgTable("job_runs", {
  job: text("job").primaryKey(),
  trigger: text("trigger").$type<JobTrigger>().notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
  durationMs: integer("duration_ms").notNull(),
  outcome: text("outcome").$type<JobOutcome>().notNull(),
  processed: integer("processed").notNull().default(0),
  error: text("error"),
  runs: integer("runs").notNull().default(1),
  failures: integer("failures").notNull().default(0),
  lastOkAt: timestamp("last_ok_at", { withTimezone: true }),
});

/** Failed exchange calls per venue and minute, shared by every server (the admin system page's last hour). */
export const exchangeErrorMinutes = pgTable(
  "exchange_error_minutes",
  {
    venue: text("venue").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    errors: integer("errors").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.venue, t.minute] })],
);

export type JobRun = typeof jobRuns.$inferSelect;
