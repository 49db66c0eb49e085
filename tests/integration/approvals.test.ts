import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import { auditLog, devMailbox, userDevices, users } from "@/db/schema";
import { listPendingUsers } from "@/db/queries/users";
import { ROLES } from "@/lib/auth/roles";
import { resetEnvForTests } from "@/lib/env";
import { createUser } from "@/lib/users";
import { startEmailCapture, type EmailCapture } from "../helpers/email-capture";
import { useTestDatabase } from "../helpers/test-db";
import { captureLogs } from "../helpers/log-capture";

// The server actions run as in Next.js, with the session, request and `after()` supplied here.
type FakeSession = {
  user: { id: string; role: number };
  sessionVersion: number;
  deviceId?: string;
  deviceTrusted: boolean;
  emailVerified: boolean;
  sessionId: string;
  authTime: number;
  twoFactorSetup: boolean;
};
const session = vi.hoisted(() => ({ current: null as null | FakeSession }));
// Work handed to `after()` is kept, not run: the tests run it when they choose, as Next does after the response.
const deferred = vi.hoisted(() => ({ tasks: [] as Array<() => Promise<unknown>> }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => session.current, signIn: async () => undefined, signOut: async () => undefined }));
// Only its error classes are used by the register action (sign-in itself is the stub above).
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {}, CredentialsSignin: class CredentialsSignin extends Error {} }));
vi.mock("next-intl/server", () => ({
  getTranslations: async () => createTranslator({ locale: "en", messages: en }),
  getRequestConfig: (config: unknown) => config,
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.50", "accept-language": "ru" }),
  cookies: async () => ({ get: () => undefined, set: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/server", async (original) => ({
  ...(await original<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void deferred.tasks.push(task),
}));

const { approveUserAction, declineUserAction } = await import("@/app/admin/users/actions");
const { registerAction } = await import("@/lib/auth/actions");
const { approveUser, notifyAdminsOfPendingUser } = await import("@/lib/approvals");

const testDb = useTestDatabase();
const APP = "https://app.example.test";
const saved = { ...process.env };

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function runDeferred() {
  await Promise.all(deferred.tasks.splice(0).map((task) => task()));
}

function mails(to: string, kind: string) {
  return testDb.db.select().from(devMailbox).where(and(eq(devMailbox.to, to), eq(devMailbox.kind, kind)));
}

async function userRow(id: string) {
  const [row] = await testDb.db.select().from(users).where(eq(users.id, id));
  return row!;
}

async function register(name: string, email: string) {
  // The action ends in redirect("/verify-email"), which Next implements by throwing.
  await expect(registerAction({}, form({ name, email, password: "correct-horse-battery", confirmPassword: "correct-horse-battery" }))).rejects.toThrow(
    /NEXT_REDIRECT/,
  );
  const [row] = await testDb.db.select().from(users).where(eq(users.email, email));
  return row!;
}

const devices: Record<string, string> = {};
async function signedIn(id: string): Promise<FakeSession> {
  if (!devices[id]) {
    await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, id));
    const [device] = await testDb.db.insert(userDevices).values({ userId: id, deviceHash: `test-${id}`, status: "trusted" }).returning();
    devices[id] = device!.id;
  }
  const { role } = await userRow(id);
  return {
    user: { id, role },
    sessionVersion: 0,
    deviceId: devices[id],
    deviceTrusted: true,
    emailVerified: true,
    sessionId: crypto.randomUUID(),
    authTime: Math.floor(Date.now() / 1000) - 60,
    twoFactorSetup: false,
  };
}

let adminId = "";
let opsId = "";
let retiredId = "";

beforeAll(async () => {
  Object.assign(process.env, { APP_URL: APP, AUTH_RATE_LIMIT_PER_MINUTE: "1000", AUTO_APPROVE_TRADERS: "false", TRUSTED_PROXY_HOPS: "1" });
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  resetEnvForTests();
  // Outside production the first account becomes the admin; two more admins, one of them disabled.
  adminId = (await createUser({ name: "Root", email: "root@example.com", passwordHash: "x", autoApprove: false, locale: "en" })).id;
  opsId = (await createUser({ name: "Ops", email: "ops@example.com", passwordHash: "x", autoApprove: false, locale: "ru" })).id;
  retiredId = (await createUser({ name: "Retired", email: "retired@example.com", passwordHash: "x", autoApprove: false })).id;
  await testDb.db.update(users).set({ role: ROLES.admin }).where(eq(users.id, opsId));
  await testDb.db.update(users).set({ role: ROLES.admin, disabled: true }).where(eq(users.id, retiredId));
});

afterAll(() => {
  process.env = saved;
  resetEnvForTests();
});

beforeEach(() => {
  deferred.tasks.length = 0;
});

describe("a registration waiting for approval", () => {
  it("emails every active admin, after the response, in their own language, with a link to the users page", async () => {
    const pat = await register("Pat Waiting", "pat@example.com");
    expect(pat.role).toBe(ROLES.user);
    // Deferred: nothing is sent before the registration has answered.
    expect(await mails("root@example.com", "approval_request")).toHaveLength(0);
    await runDeferred();

    const [toRoot] = await mails("root@example.com", "approval_request");
    const [toOps] = await mails("ops@example.com", "approval_request");
    expect(await mails("retired@example.com", "approval_request")).toHaveLength(0);
    expect(toRoot?.subject).toBe("A new SignalBridge account is waiting for approval");
    expect(toOps?.subject).toBe("Новый аккаунт SignalBridge ждёт одобрения");
    expect(toRoot?.text).toContain("Pat Waiting");
    expect(toRoot?.text).toContain("pat@example.com");
    expect(toRoot?.text).toContain(`${APP}/admin/users`);
    // The user got their verification email as before.
    expect(await mails("pat@example.com", "verify_email")).toHaveLength(1);
  });

  it("tells nobody when the account is auto-approved", async () => {
    process.env.AUTO_APPROVE_TRADERS = "true";
    resetEnvForTests();
    try {
      const tia = await register("Tia Auto", "tia@example.com");
      expect(tia.role).toBe(ROLES.trader);
      expect(deferred.tasks).toHaveLength(0);
    } finally {
      process.env.AUTO_APPROVE_TRADERS = "false";
      resetEnvForTests();
    }
  });

  it("is listed for admins newest first, with whether the address is verified", async () => {
    const ned = await createUser({ name: "Ned", email: "ned@example.com", passwordHash: "x", autoApprove: false });
    await testDb.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, ned.id));
    const { rows, total } = await listPendingUsers();
    expect(rows.map((r) => r.email)).toEqual(["ned@example.com", "pat@example.com"]);
    expect(total).toBe(2);
    expect(rows[0]?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(rows[1]?.emailVerifiedAt).toBeNull();
    expect(rows[0]).not.toHaveProperty("passwordHash");
  });
});

describe("approving and declining", () => {
  it("refuses a non-admin on the server and changes nothing", async () => {
    const pat = (await testDb.db.select().from(users).where(eq(users.email, "pat@example.com")))[0]!;
    const trader = await createUser({ name: "Tom", email: "tom@example.com", passwordHash: "x", autoApprove: true });
    session.current = await signedIn(trader.id);
    expect(await approveUserAction({}, form({ userId: pat.id }))).toEqual({ message: "You do not have permission to do this." });
    expect(await declineUserAction({}, form({ userId: pat.id }))).toEqual({ message: "You do not have permission to do this." });
    session.current = null;
    expect((await approveUserAction({}, form({ userId: pat.id }))).message).toBe("Please sign in again.");
    expect(await userRow(pat.id)).toMatchObject({ role: ROLES.user, disabled: false });
    expect(deferred.tasks).toHaveLength(0);
  });

  it("answers bad input with a field error", async () => {
    session.current = await signedIn(adminId);
    const result = await approveUserAction({}, form({ userId: "not-a-uuid" }));
    expect(result.errors?.userId).toEqual(["That user is not valid."]);
  });

  it("approve makes the user a trader, audits it, and emails them a dashboard link after the response", async () => {
    const pat = (await testDb.db.select().from(users).where(eq(users.email, "pat@example.com")))[0]!;
    session.current = await signedIn(adminId);
    const result = await approveUserAction({}, form({ userId: pat.id }));
    expect(result).toEqual({ ok: true, message: "Pat Waiting is approved and can trade now. We emailed them." });
    expect((await userRow(pat.id)).role).toBe(ROLES.trader);
    const [audit] = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, pat.id), eq(auditLog.action, "user.approve")));
    expect(audit).toMatchObject({ actorId: adminId, ip: "203.0.113.50", detail: { from: ROLES.user, to: ROLES.trader } });

    expect(await mails("pat@example.com", "account_approved")).toHaveLength(0);
    await runDeferred();
    const [mail] = await mails("pat@example.com", "account_approved");
    // Pat registered with Accept-Language: ru.
    expect(mail?.subject).toBe("Ваш аккаунт SignalBridge одобрен");
    expect(mail?.text).toContain(`${APP}/dashboard`);

    // A second click (or another admin) finds the account no longer waiting: nothing changes.
    const again = await approveUserAction({}, form({ userId: pat.id }));
    expect(again).toEqual({ message: "Pat Waiting is no longer waiting: another admin already decided. The list is up to date." });
    expect(deferred.tasks).toHaveLength(0);
  });

  it("decline disables the account, ends its session, audits it, and sends no email", async () => {
    const ned = (await testDb.db.select().from(users).where(eq(users.email, "ned@example.com")))[0]!;
    session.current = await signedIn(opsId);
    const result = await declineUserAction({}, form({ userId: ned.id }));
    expect(result).toEqual({ ok: true, message: "Ned was declined; the account is disabled." });
    const row = await userRow(ned.id);
    expect(row).toMatchObject({ role: ROLES.user, disabled: true, sessionVersion: ned.sessionVersion + 1 });
    const [audit] = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, ned.id), eq(auditLog.action, "user.decline")));
    expect(audit?.actorId).toBe(opsId);
    expect(deferred.tasks).toHaveLength(0);
    expect(await mails("ned@example.com", "account_approved")).toHaveLength(0);
    expect((await listPendingUsers()).total).toBe(0);
    // Declined is not approvable by a stale page either.
    expect((await approveUserAction({}, form({ userId: ned.id }))).message).toContain("no longer waiting");
    expect((await declineUserAction({}, form({ userId: crypto.randomUUID() }))).message).toBe("That item no longer exists.");
  });
});

describe("when the mail service fails", () => {
  let capture: EmailCapture;

  beforeAll(async () => {
    capture = await startEmailCapture({ apiKey: "re_test_approvals_key" });
    Object.assign(process.env, { RESEND_API_KEY: "re_test_approvals_key", RESEND_BASE_URL: capture.url });
  });

  afterAll(async () => {
    delete process.env.RESEND_API_KEY;
    delete process.env.RESEND_BASE_URL;
    await capture.stop();
  });

  it("the approval still happens and the failure is logged", async () => {
    const sam = await createUser({ name: "Sam", email: "sam@example.com", passwordHash: "x", autoApprove: false });
    const logs = captureLogs();
    try {
      capture.failNext({ status: 500, name: "application_error", message: "Resend is down" });
      const result = await approveUser({ actorId: adminId, userId: sam.id });
      expect(result.ok).toBe(true);
      expect((await userRow(sam.id)).role).toBe(ROLES.trader);
      expect(capture.emails).toHaveLength(0);
      const failure = logs.lines.find((line) => line.msg === "approval email not sent");
      expect(JSON.stringify(failure?.err)).toContain("application_error");
    } finally {
      logs.restore();
    }
  });

  it("one admin's failed email does not stop the others'", async () => {
    const logs = captureLogs();
    try {
      capture.failNext({ status: 422, name: "validation_error", message: "Invalid `to` field." });
      await expect(notifyAdminsOfPendingUser({ name: "Lee", email: "lee@example.com", createdAt: new Date() })).resolves.toBeUndefined();
      expect(capture.emails).toHaveLength(1);
      expect(["root@example.com", "ops@example.com"]).toContain(capture.emails[0]?.to);
      expect(logs.lines.filter((line) => line.level === "error")).toHaveLength(1);
    } finally {
      logs.restore();
    }
  });
});
