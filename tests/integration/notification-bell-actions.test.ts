import { beforeAll, describe, expect, it, vi } from "vitest";
import { notificationEvents, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { useTestDatabase } from "../helpers/test-db";

// The bell polls from every open page, so its actions meet users who were signed out or demoted since.
const session = vi.hoisted(() => ({ userId: null as string | null, failure: null as "unauthorized" | "forbidden" | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (session.failure === "forbidden") throw new AppError("forbidden", "You do not have permission to do this.");
    if (!session.userId || session.failure) throw new AppError("unauthorized", "Please sign in again.");
    return { id: session.userId };
  },
}));
vi.mock("next-intl/server", () => ({ getLocale: async () => "en", getTranslations: async () => (key: string) => key }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { loadBellAction, markReadAction } = await import("@/components/notifications/actions");

const testDb = useTestDatabase();
let userId = "";

beforeAll(async () => {
  const [user] = await testDb.db.insert(users).values({ email: "bell@example.com", name: "Bell", passwordHash: "x", role: 2 }).returning();
  userId = user!.id;
  await testDb.db.insert(notificationEvents).values({ userId, type: "order.filled", dedupeKey: "bell-1", payload: { symbol: "BTC/USDT" } });
});

describe("notification bell actions", () => {
  it("list the signed-in trader's events and mark them read", async () => {
    session.userId = userId;
    session.failure = null;
    const before = await loadBellAction();
    expect(before.unread).toBe(1);
    expect(before.items).toHaveLength(1);
    expect(await markReadAction({})).toEqual({ ok: true });
    expect((await loadBellAction()).unread).toBe(0);
  });

  it("answer an empty bell, not a server error, to a user demoted or signed out since the page loaded", async () => {
    session.userId = userId;
    for (const failure of ["forbidden", "unauthorized"] as const) {
      session.failure = failure;
      await expect(loadBellAction()).resolves.toEqual({ unread: 0, items: [] });
      await expect(markReadAction({})).resolves.toEqual({ ok: false });
    }
  });

  it("refuse ids that are not event ids without touching anything", async () => {
    session.userId = userId;
    session.failure = null;
    expect(await markReadAction({ ids: ["not-a-uuid"] })).toEqual({ ok: false });
  });
});
