import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import enEmail from "@/messages/en.email.json";
import { authTokens, devMailbox } from "@/db/schema";
import { createUser } from "@/lib/users";
import { hashToken } from "@/lib/auth/tokens";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

// Every request in this file is an attacker's: a forged Host and X-Forwarded-Host. No link may use them.
const deferred = vi.hoisted(() => ({ tasks: [] as Promise<unknown>[] }));
vi.mock("next/server", () => ({ after: (task: () => Promise<unknown>) => void deferred.tasks.push(task()) }));
vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({ host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", "user-agent": "vitest" }),
}));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages: { ...en, ...enEmail } }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => null }));

const { forgotPasswordAction } = await import("@/app/(auth)/forgot-password/actions");
const { answerDeviceLink, deviceForLogin, newDeviceSecret, peekDeviceLink, sendDeviceConfirmation } = await import("@/lib/auth/devices");
const { sendVerificationEmail } = await import("@/lib/auth/email-verification");

const testDb = useTestDatabase();
const APP = "https://app.example.test";
const meta = { ip: "203.0.113.40", userAgent: "vitest", country: "unknown" };

function setUrls(urls: { APP_URL?: string; AUTH_URL?: string }) {
  delete process.env.APP_URL;
  delete process.env.AUTH_URL;
  Object.assign(process.env, urls);
  resetEnvForTests();
}

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "links-auth-secret-0123456789abcdefghijklm",
    ENCRYPTION_KEY: "links-master-key-0123456789abcdefghijklmn",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
  });
  delete process.env.RESEND_API_KEY;
});
afterEach(() => setUrls({}));

async function mailLinks(to: string, kind: string) {
  const [mail] = await testDb.db.select().from(devMailbox).where(and(eq(devMailbox.to, to), eq(devMailbox.kind, kind))).orderBy(devMailbox.createdAt);
  return (mail?.text.match(/https?:\/\/\S+/g) ?? []).map((l) => new URL(l));
}

async function requestReset(email: string) {
  const form = new FormData();
  form.set("email", email);
  await forgotPasswordAction({}, form);
  await Promise.all(deferred.tasks.splice(0));
}

describe("links in emails never follow the request's Host or X-Forwarded-Host", () => {
  it("a reset requested with X-Forwarded-Host: evil.example links to APP_URL", async () => {
    setUrls({ APP_URL: APP });
    await createUser({ name: "Rae", email: "rae@example.com", passwordHash: "x", autoApprove: true });
    await requestReset("rae@example.com");
    const [link] = await mailLinks("rae@example.com", "password_reset");
    expect(link?.origin).toBe(APP);
    expect(link?.pathname).toBe("/reset-password");
  });

  it("without APP_URL, AUTH_URL is used, and outside production only localhost: never the forged host", async () => {
    setUrls({ AUTH_URL: "https://auth.example.test/api/auth" });
    await createUser({ name: "Ada", email: "ada-links@example.com", passwordHash: "x", autoApprove: true });
    await requestReset("ada-links@example.com");
    expect((await mailLinks("ada-links@example.com", "password_reset"))[0]?.origin).toBe("https://auth.example.test");

    setUrls({});
    await createUser({ name: "Lou", email: "lou-links@example.com", passwordHash: "x", autoApprove: true });
    await requestReset("lou-links@example.com");
    const [link] = await mailLinks("lou-links@example.com", "password_reset");
    expect(link?.host).not.toContain("evil.example");
    expect(link?.origin).toBe("http://localhost:3000");
  });

  it("verification links use APP_URL whatever the request says", async () => {
    setUrls({ APP_URL: APP });
    const user = await createUser({ name: "Vera", email: "vera-links@example.com", passwordHash: "x", autoApprove: true });
    expect(await sendVerificationEmail({ userId: user.id, deviceId: null })).toEqual({ sent: true });
    const [link] = await mailLinks("vera-links@example.com", "verify_email");
    expect(link?.origin).toBe(APP);
  });
});

describe("the new-device email's Yes and No", () => {
  async function pendingDevice(email: string) {
    setUrls({ APP_URL: APP });
    const user = await createUser({ name: "Dee", email, passwordHash: "x", autoApprove: true });
    const device = await deviceForLogin({ userId: user.id, secret: newDeviceSecret(), meta });
    await sendDeviceConfirmation({ userId: user.id, deviceId: device.id, reason: "new" });
    const links = await mailLinks(email, "new_device");
    const token = (answer: string) => links.find((u) => u.searchParams.get("answer") === answer)!.searchParams.get("token")!;
    return { userId: user.id, deviceId: device.id, links, yes: token("yes"), no: token("no") };
  }

  it("carry distinct tokens on APP_URL, each good for its own answer only", async () => {
    const { links, yes, no } = await pendingDevice("pair-1@example.com");
    expect(links.map((l) => l.origin)).toEqual([APP, APP]);
    expect(yes).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(no).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(yes).not.toBe(no);
    // The No link cannot trust the device (a forwarded "No" email leaks nothing useful), nor Yes decline it.
    expect(await peekDeviceLink(no)).toMatchObject({ ok: true, answer: "no" });
    expect(await answerDeviceLink({ token: no, answer: "yes", meta })).toEqual({ ok: false, reason: "invalid" });
    expect(await answerDeviceLink({ token: yes, answer: "no", meta })).toEqual({ ok: false, reason: "invalid" });
  });

  it("using Yes voids No", async () => {
    const { yes, no } = await pendingDevice("pair-2@example.com");
    expect(await answerDeviceLink({ token: yes, answer: "yes", meta })).toMatchObject({ ok: true, answer: "yes" });
    expect(await peekDeviceLink(no)).toEqual({ ok: false, reason: "used" });
    expect(await answerDeviceLink({ token: no, answer: "no", meta })).toEqual({ ok: false, reason: "used" });
  });

  it("using No voids Yes, and leaves other emails' links alone", async () => {
    const first = await pendingDevice("pair-3@example.com");
    // A second device of the same account, with its own email and pair.
    const other = await deviceForLogin({ userId: first.userId, secret: newDeviceSecret(), meta });
    await sendDeviceConfirmation({ userId: first.userId, deviceId: other.id, reason: "new" });
    expect(await answerDeviceLink({ token: first.no, answer: "no", meta })).toMatchObject({ ok: true, answer: "no" });
    expect(await answerDeviceLink({ token: first.yes, answer: "yes", meta })).toEqual({ ok: false, reason: "used" });
    const outstanding = await testDb.db
      .select({ hash: authTokens.tokenHash, usedAt: authTokens.usedAt })
      .from(authTokens)
      .where(and(eq(authTokens.userId, first.userId), eq(authTokens.kind, "new_device")));
    const open = outstanding.filter((t) => !t.usedAt).map((t) => t.hash);
    expect(open).toHaveLength(2);
    expect(open).not.toContain(hashToken(first.yes));
  });
});
