import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { auditLog, authTokens, devMailbox, userDevices, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { hashToken, issueToken, TOKEN_KINDS } from "@/lib/auth/tokens";
import { useTestDatabase } from "../helpers/test-db";
import { isReachable, startUpstashBridge, type UpstashBridge } from "../helpers/upstash-bridge";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "203.0.113.30" }) }));

const { answerDeviceLink, deviceForLogin, newDeviceSecret, peekDeviceLink, revokeDevice, sendDeviceConfirmation } = await import(
  "@/lib/auth/devices"
);
const { sendVerificationEmail, verifyEmail } = await import("@/lib/auth/email-verification");
const { publishDeviceRevoked, publishSessionEnded, publishSessionVersion, resetRevocationStoreForTests, sessionRevoked } = await import("@/lib/auth/revocations");
const { describeUserAgent, countryFromHeaders } = await import("@/lib/auth/user-agent");

const testDb = useTestDatabase();
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const meta = (country = "unknown") => ({ ip: "203.0.113.30", userAgent: CHROME, country });

async function newUser(email: string) {
  return (await createUser({ name: "Dev Ice", email, passwordHash: "x", autoApprove: true })).id;
}

/** The link's token from the newest email of a kind to an address. */
async function tokenFromMail(to: string, kind: string, answer?: "yes" | "no") {
  const [mail] = await testDb.db.select().from(devMailbox).where(and(eq(devMailbox.to, to), eq(devMailbox.kind, kind))).orderBy(devMailbox.createdAt);
  const links = mail!.text.match(/https?:\/\/\S+/g) ?? [];
  const link = links.map((l) => new URL(l)).find((u) => !answer || u.searchParams.get("answer") === answer);
  return link!.searchParams.get("token")!;
}

describe("devices", () => {
  it("a new browser waits; a trusted one is let in; a new country asks again", async () => {
    const userId = await newUser("devices-1@example.com");
    const secret = newDeviceSecret();
    const first = await deviceForLogin({ userId, secret, meta: meta("DE") });
    expect(first).toMatchObject({ status: "pending", reason: "new" });

    await sendDeviceConfirmation({ userId, deviceId: first.id, reason: first.reason });
    const token = await tokenFromMail("devices-1@example.com", "new_device", "yes");
    // Only the hash is stored; the email carries browser, OS and country.
    const [stored] = await testDb.db.select().from(authTokens).where(eq(authTokens.tokenHash, hashToken(token)));
    expect(stored?.meta).toMatchObject({ deviceId: first.id, answer: "yes" });
    const [mail] = await testDb.db.select().from(devMailbox).where(eq(devMailbox.to, "devices-1@example.com"));
    expect(mail!.text).toContain("Chrome 131");
    expect(mail!.text).toContain("Linux");
    expect(mail!.text).toContain("DE");
    expect(await peekDeviceLink(token)).toMatchObject({ ok: true, status: "pending", country: "DE" });

    expect(await answerDeviceLink({ token, answer: "yes", meta: meta() })).toMatchObject({ ok: true, answer: "yes" });
    expect(await answerDeviceLink({ token, answer: "yes", meta: meta() })).toEqual({ ok: false, reason: "used" });
    const [row] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, first.id));
    expect(row).toMatchObject({ status: "trusted", countries: ["DE"] });

    expect(await deviceForLogin({ userId, secret, meta: meta("DE") })).toMatchObject({ id: first.id, status: "trusted" });
    // No geo header says nothing new.
    expect(await deviceForLogin({ userId, secret, meta: meta("unknown") })).toMatchObject({ status: "trusted" });
    expect(await deviceForLogin({ userId, secret, meta: meta("FR") })).toMatchObject({ id: first.id, status: "pending", reason: "new_country" });
    // Held until answered, whichever country it comes from next.
    expect(await deviceForLogin({ userId, secret, meta: meta("DE") })).toMatchObject({ status: "pending" });
  });

  it("No declines the device for good; a browser without a cookie is a device nobody can present again", async () => {
    const userId = await newUser("devices-2@example.com");
    const secret = newDeviceSecret();
    const device = await deviceForLogin({ userId, secret, meta: meta() });
    await sendDeviceConfirmation({ userId, deviceId: device.id, reason: "new" });
    const token = await tokenFromMail("devices-2@example.com", "new_device", "no");
    expect(await answerDeviceLink({ token, answer: "no", meta: meta() })).toMatchObject({ ok: true, answer: "no" });
    expect(await deviceForLogin({ userId, secret, meta: meta() })).toMatchObject({ id: device.id, status: "declined" });
    const actions = (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, userId))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["device.pending", "device.declined"]));

    const a = await deviceForLogin({ userId, secret: null, meta: meta() });
    const b = await deviceForLogin({ userId, secret: "not-a-device-secret", meta: meta() });
    expect(a.id).not.toBe(b.id);
    expect(b.status).toBe("pending");
  });

  it("an expired or made-up link changes nothing", async () => {
    const userId = await newUser("devices-3@example.com");
    const device = await deviceForLogin({ userId, secret: newDeviceSecret(), meta: meta() });
    const token = await issueToken({ userId, kind: TOKEN_KINDS.newDevice, ttlMinutes: 30, meta: { deviceId: device.id } });
    await testDb.db.update(authTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authTokens.tokenHash, hashToken(token)));
    expect(await answerDeviceLink({ token, answer: "yes", meta: meta() })).toEqual({ ok: false, reason: "expired" });
    expect(await answerDeviceLink({ token: "x".repeat(43), answer: "yes", meta: meta() })).toEqual({ ok: false, reason: "invalid" });
    // A password-reset token is not a device link.
    const reset = await issueToken({ userId, kind: TOKEN_KINDS.passwordReset, ttlMinutes: 30, meta: { deviceId: device.id } });
    expect(await answerDeviceLink({ token: reset, answer: "yes", meta: meta() })).toEqual({ ok: false, reason: "invalid" });
    const [row] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, device.id));
    expect(row?.status).toBe("pending");
  });

  it("a revoked device's cookie no longer matches: its next sign-in is a new device", async () => {
    const userId = await newUser("devices-4@example.com");
    const other = await newUser("devices-4b@example.com");
    const secret = newDeviceSecret();
    const device = await deviceForLogin({ userId, secret, meta: meta() });
    // Someone else's device cannot be revoked by this user.
    expect(await revokeDevice({ userId: other, deviceId: device.id, meta: meta() })).toBe(false);
    expect(await revokeDevice({ userId, deviceId: device.id, meta: meta() })).toBe(true);
    expect(await revokeDevice({ userId, deviceId: device.id, meta: meta() })).toBe(false);
    const again = await deviceForLogin({ userId, secret, meta: meta() });
    expect(again.id).not.toBe(device.id);
    expect(again).toMatchObject({ status: "pending", reason: "new" });
  });
});

describe("email verification", () => {
  it("verifies once, trusts the registration device, and cools down the resend", async () => {
    const userId = await newUser("verify-1@example.com");
    const device = await deviceForLogin({ userId, secret: newDeviceSecret(), meta: meta("NL") });
    expect(await sendVerificationEmail({ userId, deviceId: device.id })).toEqual({ sent: true });
    const again = await sendVerificationEmail({ userId, deviceId: device.id });
    expect(again).toMatchObject({ sent: false, reason: "cooldown" });
    const token = await tokenFromMail("verify-1@example.com", "verify_email");

    expect(await verifyEmail({ token, meta: meta() })).toEqual({ ok: true, userId });
    expect(await verifyEmail({ token, meta: meta() })).toEqual({ ok: false, reason: "used" });
    const [user] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    const [row] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, device.id));
    expect(row).toMatchObject({ status: "trusted", countries: ["NL"] });
    expect(await sendVerificationEmail({ userId, deviceId: null })).toMatchObject({ reason: "already_verified" });
  });
});

describe("user agents and geo headers", () => {
  it("names common browsers and systems", () => {
    expect(describeUserAgent(CHROME)).toEqual({ browser: "Chrome 131", os: "Linux" });
    expect(describeUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")).toEqual({ browser: "Safari 17", os: "iOS" });
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0")).toEqual({ browser: "Firefox 125", os: "Windows" });
    expect(describeUserAgent(null)).toEqual({ browser: "Unknown browser", os: "Unknown OS" });
  });

  it("reads the platform's country header, unknown otherwise", () => {
    expect(countryFromHeaders(new Headers({ "x-vercel-ip-country": "de" }))).toBe("DE");
    expect(countryFromHeaders(new Headers({ "cf-ipcountry": "XX" }))).toBe("unknown");
    expect(countryFromHeaders(new Headers({ "cf-ipcountry": "<script>" }))).toBe("unknown");
    expect(countryFromHeaders(new Headers())).toBe("unknown");
  });
});

// The edge middleware's lock-out through Redis (Upstash REST, here the bridge to the real Redis).
const REDIS_DB = 8;
const redisUp = await isReachable(6379);
const skipRedis = !redisUp && !process.env.CI;

describe.skipIf(skipRedis)("middleware refuses revoked sessions from Redis, without the database", () => {
  let bridge: UpstashBridge | undefined;
  const secret = "middleware-test-secret-0123456789abcdefghijklmnop";
  const saved = { url: process.env.UPSTASH_REDIS_REST_URL, token: process.env.UPSTASH_REDIS_REST_TOKEN, auth: process.env.AUTH_SECRET };

  beforeAll(async () => {
    bridge = await startUpstashBridge({ db: REDIS_DB });
    await bridge.flush();
    process.env.UPSTASH_REDIS_REST_URL = bridge.url;
    process.env.UPSTASH_REDIS_REST_TOKEN = bridge.token;
    process.env.AUTH_SECRET = secret;
    resetRevocationStoreForTests();
  });

  afterAll(async () => {
    for (const [name, value] of [["UPSTASH_REDIS_REST_URL", saved.url], ["UPSTASH_REDIS_REST_TOKEN", saved.token], ["AUTH_SECRET", saved.auth]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetRevocationStoreForTests();
    await bridge?.flush();
    await bridge?.stop();
  });

  async function visit(path: string, claims: Record<string, unknown>) {
    const { default: middleware } = await import("@/middleware");
    const cookie = await encode({ token: claims, secret, salt: "authjs.session-token" });
    const request = new NextRequest(`http://127.0.0.1:3000${path}`, { headers: { cookie: `authjs.session-token=${cookie}` } });
    const response = await middleware(request);
    return response.headers.get("location");
  }

  it("lets a good session through, sends unconfirmed ones to their step, refuses revoked ones", async () => {
    const now = Math.floor(Date.now() / 1000);
    const session = { sid: "3f1c7a52-0c8e-4a43-9d59-2f2b8e8f0a77", st: now, la: now };
    const base = { id: "5b0c1a52-3c8e-4a43-9d59-2f2b8e8f0a01", role: 2, sv: 1, did: "8d7b4a3e-5f63-4c1a-b2a9-0f2f6a9e1c11", dt: true, ev: true, ...session };
    expect(await visit("/dashboard", base)).toBeNull();
    expect(await visit("/dashboard", { ...base, ev: false })).toMatch(/\/verify-email$/);
    expect(await visit("/dashboard", { ...base, dt: false })).toMatch(/\/confirm-device$/);

    await publishDeviceRevoked(base.did);
    expect(await sessionRevoked(base)).toBe(true);
    expect(await visit("/dashboard/orders", base)).toMatch(/\/api\/session\/end\?reason=revoked$/);
    // Another device of the same user is not affected.
    expect(await visit("/dashboard", { ...base, did: "0e5e8f0a-1111-4c1a-b2a9-0f2f6a9e1c22" })).toBeNull();

    // A session-version bump (password reset, 2FA on, disabled) ends the older sessions only.
    const other = { ...base, did: "0e5e8f0a-1111-4c1a-b2a9-0f2f6a9e1c22" };
    await publishSessionVersion(base.id, 2);
    expect(await visit("/admin", other)).toMatch(/\/api\/session\/end\?reason=revoked$/);
    expect(await visit("/dashboard", { ...other, sv: 2 })).toBeNull();

    // A signed-out session: its copied cookie is refused at the gate, the user's other sessions go on.
    await publishSessionEnded(session.sid);
    expect(await visit("/dashboard", { ...other, sv: 2 })).toMatch(/\/api\/session\/end\?reason=revoked$/);
    expect(await visit("/dashboard", { ...other, sv: 2, sid: "9a9c7a52-0c8e-4a43-9d59-2f2b8e8f0a78" })).toBeNull();
  });

  it("without Redis it answers 'not revoked' and leaves the decision to the server", async () => {
    const url = process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    resetRevocationStoreForTests();
    try {
      expect(await sessionRevoked({ id: "x", sv: 0, did: "y" })).toBe(false);
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = url;
      resetRevocationStoreForTests();
    }
  });
});

describe("review fixes", () => {
  it("a device trusted while no country was known takes the first country seen, then asks for a new one", async () => {
    const userId = await newUser("devices-5@example.com");
    const secret = newDeviceSecret();
    const device = await deviceForLogin({ userId, secret, meta: meta("unknown") });
    await testDb.db.update(userDevices).set({ status: "trusted" }).where(eq(userDevices.id, device.id));
    expect(await deviceForLogin({ userId, secret, meta: meta("DE") })).toMatchObject({ status: "trusted" });
    const [row] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, device.id));
    expect(row?.countries).toEqual(["DE"]);
    expect(await deviceForLogin({ userId, secret, meta: meta("FR") })).toMatchObject({ status: "pending", reason: "new_country" });
  });

  it("verification links name the registration browser, whichever browser asks for a new one", async () => {
    const { registrationDeviceId } = await import("@/lib/auth/devices");
    const userId = await newUser("devices-6@example.com");
    const first = await deviceForLogin({ userId, secret: newDeviceSecret(), meta: meta() });
    await new Promise((r) => setTimeout(r, 5));
    await deviceForLogin({ userId, secret: newDeviceSecret(), meta: meta() });
    expect(await registrationDeviceId(userId)).toBe(first.id);
  });

  it("a session-version proof carries a session over exactly one bump", async () => {
    const { isSessionVersionProof, sessionVersionProof } = await import("@/lib/auth/fresh-token");
    process.env.AUTH_SECRET ??= "x".repeat(40);
    const ok = sessionVersionProof("u1", 3, 4);
    expect(isSessionVersionProof(ok, "u1", 3, 4)).toBe(true);
    expect(isSessionVersionProof(ok, "u2", 3, 4)).toBe(false);
    // Someone else bumped meanwhile (3 → 5): no proof carries this session over that.
    expect(isSessionVersionProof(sessionVersionProof("u1", 3, 5), "u1", 3, 5)).toBe(false);
    expect(isSessionVersionProof("forged", "u1", 3, 4)).toBe(false);
    expect(isSessionVersionProof(undefined, "u1", 3, 4)).toBe(false);
  });
});

describe("last seen", () => {
  it("is written at most every five minutes", async () => {
    const { noteDeviceSeen } = await import("@/lib/auth/devices");
    const userId = await newUser("devices-7@example.com");
    const device = await deviceForLogin({ userId, secret: newDeviceSecret(), meta: meta() });
    const long = new Date(Date.now() - 10 * 60_000);
    await testDb.db.update(userDevices).set({ lastSeenAt: long }).where(eq(userDevices.id, device.id));
    await noteDeviceSeen(device.id, long, "198.51.100.7");
    const [seen] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, device.id));
    expect(seen!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(seen!.ip).toBe("198.51.100.7");
    await noteDeviceSeen(device.id, seen!.lastSeenAt, "198.51.100.8");
    const [again] = await testDb.db.select().from(userDevices).where(eq(userDevices.id, device.id));
    expect(again!.ip).toBe("198.51.100.7");
  });
});
