import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { exchangeErrorsSince, listJobRuns, migrationLevel, outboxBacklog, recordExchangeError, retryDeadDeliveries } from "@/db/queries/operations";
import { notificationDeliveries } from "@/db/schema";
import { trackJob } from "@/lib/metrics";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();

describe("job run bookkeeping", () => {
  it("keeps one row per job with the last run, and counts runs and failures", async () => {
    await trackJob("monitor", "cron", async () => ({ processed: 3 }));
    await expect(trackJob("monitor", "in_process", async () => Promise.reject(new Error("venue down")))).rejects.toThrow("venue down");
    const [run] = (await listJobRuns()).filter((r) => r.job === "monitor");
    expect(run).toMatchObject({ trigger: "in_process", outcome: "failed", error: "Error: venue down", runs: 2, failures: 1, processed: 0 });
    expect(run!.lastOkAt).not.toBeNull();
    expect(run!.finishedAt.getTime()).toBeGreaterThanOrEqual(run!.startedAt.getTime());
  });
});

describe("exchange errors per minute", () => {
  it("adds up errors per venue within the window only", async () => {
    const now = new Date();
    await recordExchangeError("binance", now);
    await recordExchangeError("binance", now);
    await recordExchangeError("okx", now);
    await recordExchangeError("bybit", new Date(now.getTime() - 2 * 60 * 60_000));
    expect(await exchangeErrorsSince(new Date(now.getTime() - 60 * 60_000))).toEqual([
      { venue: "binance", errors: 2 },
      { venue: "okx", errors: 1 },
    ]);
  });
});

describe("system readings", () => {
  it("names the last applied migration from the journal", async () => {
    const level = await migrationLevel();
    expect(level.applied).toBeGreaterThan(20);
    expect(level.applied).toBe(level.known);
    expect(level.last).toMatch(/^\d{4}_/);
  });

  it("counts the outbox and queues given-up deliveries again", async () => {
    const user = await createUser({ name: "Out", email: "outbox@example.com", passwordHash: "x", autoApprove: true });
    await testDb.db.insert(notificationDeliveries).values([
      { userId: user.id, channel: "email", groupKey: "g1", status: "pending" },
      { userId: user.id, channel: "email", groupKey: "g2", status: "failed", attempts: 2 },
      { userId: user.id, channel: "telegram", groupKey: "g3", status: "dead", attempts: 8 },
      { userId: user.id, channel: "email", groupKey: "g4", status: "sent" },
    ]);
    expect(await outboxBacklog()).toMatchObject({ pending: 1, retrying: 1, dead: 1 });
    expect(await retryDeadDeliveries()).toBe(1);
    const [again] = await testDb.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.groupKey, "g3"));
    expect(again).toMatchObject({ status: "pending", attempts: 0 });
    expect(await outboxBacklog()).toMatchObject({ pending: 2, retrying: 1, dead: 0 });
  });
});
