import { beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import messages from "@/messages/en.json";
import enRebalancer from "@/messages/en.rebalancer.json";
import { saveRebalancer } from "@/db/queries/rebalancer";
import { exchangeAccounts, rebalanceRuns, userDevices, users } from "@/db/schema";
import { seedPaperBalances } from "@/lib/exchanges/paper";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

// "Run now" places real orders: like a manual order, it needs a password proved within 10 minutes.
type FakeSession = {
  user: { id: string; role: number };
  sessionVersion: number;
  deviceId: string;
  deviceTrusted: boolean;
  emailVerified: boolean;
  sessionId: string;
  authTime: number;
  twoFactorSetup: boolean;
};
const session = vi.hoisted(() => ({ current: null as null | FakeSession }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages: { ...messages, ...enRebalancer } }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.10" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { runRebalancerAction } = await import("@/app/(dashboard)/dashboard/rebalancer/actions");
const testDb = useTestDatabase();

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

describe("rebalancer \"Run now\" step-up", () => {
  let userId = "";
  let deviceId = "";
  let accountId = "";

  beforeAll(async () => {
    userId = (await createUser({ name: "Rita", email: "rita-rebal@example.com", passwordHash: "x", autoApprove: true })).id;
    await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
    deviceId = (await testDb.db.insert(userDevices).values({ userId, deviceHash: "rita-device", status: "trusted" }).returning())[0]!.id;
    accountId = (await testDb.db.insert(exchangeAccounts).values({ userId, exchange: "paper", label: "Paper" }).returning())[0]!.id;
    await seedPaperBalances(testDb.db, accountId, { USDT: "1000" });
    await saveRebalancer({
      userId,
      accountId,
      settings: { quote: "USDT", targets: [{ asset: "BTC", weight: "50" }, { asset: "USDT", weight: "50" }], intervalHours: null, driftPct: null, minTradeQuote: "10", dryRun: false, enabled: false },
    });
  });

  const signedIn = (minutesAgo: number) => {
    session.current = {
      user: { id: userId, role: 1 },
      sessionVersion: 0,
      deviceId,
      deviceTrusted: true,
      emailVerified: true,
      sessionId: "00000000-0000-4000-8000-000000000002",
      authTime: Math.floor(Date.now() / 1000) - minutesAgo * 60,
      twoFactorSetup: false,
    };
  };
  const runs = () => testDb.db.select().from(rebalanceRuns).where(eq(rebalanceRuns.accountId, accountId));

  it("a live run with a stale sign-in is refused and starts nothing; a dry run needs no password", async () => {
    signedIn(11);
    expect(await runRebalancerAction({}, form({ accountId, mode: "live" }))).toMatchObject({ reauth: true });
    expect(await runs()).toEqual([]);
    expect(await runRebalancerAction({}, form({ accountId, mode: "dry" }))).toMatchObject({ ok: true });
    expect((await runs()).map((r) => r.dryRun)).toEqual([true]);
  });

  it("after a fresh password the live run goes", async () => {
    signedIn(1);
    const result = await runRebalancerAction({}, form({ accountId, mode: "live" }));
    expect(result).not.toHaveProperty("reauth");
    expect(await runs()).toHaveLength(2);
  });
});
