import { beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import messages from "@/messages/en.json";
import { userDevices, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

// The server action runs as it would in Next.js, with the session and request supplied here.
type FakeSession = {
  user: { id: string; role: number };
  sessionVersion: number;
  deviceId?: string;
  deviceTrusted?: boolean;
  emailVerified?: boolean;
  sessionId?: string;
  authTime?: number;
  twoFactorSetup?: boolean;
};
const session = vi.hoisted(() => ({ current: null as null | FakeSession }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current }));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages }) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.9" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { changeRoleAction, setDisabledAction } = await import("@/app/admin/users/actions");
const testDb = useTestDatabase();

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

describe("admin server actions check the role on the server", () => {
  let adminId = "";
  let userId = "";
  const devices: Record<string, string> = {};

  beforeEach(async () => {
    if (adminId) return;
    adminId = (await createUser({ name: "Root", email: "root@example.com", passwordHash: "x", autoApprove: false })).id;
    userId = (await createUser({ name: "Pat", email: "pat@example.com", passwordHash: "x", autoApprove: false })).id;
    // Both signed in from a trusted device with a verified address, as a real session would be.
    await testDb.db.update(users).set({ emailVerifiedAt: new Date() });
    for (const id of [adminId, userId]) {
      const [device] = await testDb.db.insert(userDevices).values({ userId: id, deviceHash: `test-${id}`, status: "trusted" }).returning();
      devices[id] = device!.id;
    }
  });

  const signedIn = (id: string, role: number): FakeSession => ({
    user: { id, role },
    sessionVersion: 0,
    deviceId: devices[id],
    deviceTrusted: true,
    emailVerified: true,
    sessionId: crypto.randomUUID(),
    // Signed in (or re-entered the password) a minute ago: recent enough for role changes.
    authTime: Math.floor(Date.now() / 1000) - 60,
    twoFactorSetup: false,
  });

  it("refuses a signed-in user who is not an admin, and changes nothing", async () => {
    session.current = signedIn(userId, 1);
    const result = await changeRoleAction({}, form({ userId, role: "3" }));
    expect(result).toEqual({ message: "You do not have permission to do this." });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(row?.role).toBe(1);
  });

  it("judges by the database role, not the token's claim", async () => {
    // A token that still says admin (issued before a demotion) does not make the caller one.
    session.current = signedIn(userId, 3);
    const result = await setDisabledAction({}, form({ userId: adminId, disabled: "true" }));
    expect(result.message).toBe("You do not have permission to do this.");
    const [row] = await testDb.db.select().from(users).where(eq(users.id, adminId));
    expect(row?.disabled).toBe(false);
  });

  it("refuses an anonymous caller", async () => {
    session.current = null;
    const result = await changeRoleAction({}, form({ userId, role: "2" }));
    expect(result.message).toBe("Please sign in again.");
  });

  it("returns field errors for bad input and changes nothing", async () => {
    session.current = signedIn(adminId, 3);
    const result = await changeRoleAction({}, form({ userId: "not-a-uuid", role: "9" }));
    expect(result.errors?.userId).toEqual(["That user is not valid."]);
    expect(result.errors?.role).toEqual(["Choose a role from the list."]);
  });

  it("lets an admin promote a user and reports it", async () => {
    session.current = signedIn(adminId, 3);
    const result = await changeRoleAction({}, form({ userId, role: "2" }));
    expect(result).toMatchObject({ ok: true, message: "Pat is now Trader." });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(row?.role).toBe(2);
  });

  it("explains why the last admin cannot step down", async () => {
    session.current = signedIn(adminId, 3);
    const result = await changeRoleAction({}, form({ userId: adminId, role: "1" }));
    expect(result.message).toBe("This is the last active admin. Promote another admin first.");
  });

  it("asks for the password again when the admin's last sign-in is older than 10 minutes", async () => {
    session.current = { ...signedIn(adminId, 3), authTime: Math.floor(Date.now() / 1000) - 11 * 60 };
    const result = await changeRoleAction({}, form({ userId, role: "1" }));
    expect(result).toMatchObject({ reauth: true, message: "For your security, confirm it is you: enter your password again." });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(row?.role).toBe(2);
  });
});
