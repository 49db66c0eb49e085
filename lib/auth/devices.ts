import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { userDevices } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { publishDeviceRevoked } from "./revocations";
import { describeUserAgent } from "./user-agent";

// The emailed "was this you?" links live in device-links.ts.
export { answerDeviceLink, DEVICE_LINK_TTL_MINUTES, peekDeviceLink, sendDeviceConfirmation } from "./device-links";
export type { DeviceAnswer, DeviceAnswerKind, DeviceLinkDetails } from "./device-links";

export const DEVICE_COOKIE = "sb_device";
/** Browsers cap cookie lifetimes at 400 days. */
export const DEVICE_COOKIE_MAX_AGE = 400 * 24 * 60 * 60;

export type DeviceStatus = "pending" | "trusted" | "declined" | "revoked";
export type Meta = { ip: string | null; userAgent: string | null; country?: string };

const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newDeviceSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function isDeviceSecret(value: unknown): value is string {
  return typeof value === "string" && SECRET_PATTERN.test(value);
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(`device:${secret}`, "utf8").digest("hex");
}

export type LoginDevice = { id: string; status: DeviceStatus; reason: "known" | "new" | "new_country" | "pending" };

/**
 * Finds or records the browser a password sign-in comes from. A trusted device stays trusted unless the
 * sign-in comes from a country not yet confirmed for it; a declined device stays declined (its sign-ins
 * are refused); anything else waits for the owner's confirmation.
 */
export async function deviceForLogin(input: { userId: string; secret: string | null; meta: Meta }): Promise<LoginDevice> {
  const db = await getDb();
  // No cookie (a client that keeps none): a device nobody can present again.
  const hash = hashSecret(isDeviceSecret(input.secret) ? input.secret : newDeviceSecret());
  const country = input.meta.country ?? "unknown";
  const { browser, os } = describeUserAgent(input.meta.userAgent);
  const now = new Date();
  const seen = { lastSeenAt: now, ip: input.meta.ip, country, userAgent: input.meta.userAgent?.slice(0, 300) ?? null, browser, os };
  const [existing] = await db
    .select({ id: userDevices.id, status: userDevices.status, countries: userDevices.countries })
    .from(userDevices)
    .where(and(eq(userDevices.userId, input.userId), eq(userDevices.deviceHash, hash)))
    .limit(1);
  if (!existing) {
    const [row] = await db
      .insert(userDevices)
      .values({ userId: input.userId, deviceHash: hash, status: "pending", ...seen })
      .onConflictDoUpdate({ target: [userDevices.userId, userDevices.deviceHash], set: seen })
      .returning({ id: userDevices.id, status: userDevices.status });
    return { id: row!.id, status: row!.status as DeviceStatus, reason: "new" };
  }
  const status = existing.status as DeviceStatus;
  if (status === "declined") {
    await db.update(userDevices).set(seen).where(eq(userDevices.id, existing.id));
    return { id: existing.id, status, reason: "known" };
  }
  if (status === "trusted") {
    const newCountry = country !== "unknown" && existing.countries.length > 0 && !existing.countries.includes(country);
    // Trusted while no country was known: the first one seen becomes its country.
    const firstCountry = country !== "unknown" && existing.countries.length === 0;
    await db
      .update(userDevices)
      .set({ ...seen, ...(newCountry ? { status: "pending" } : {}), ...(firstCountry ? { countries: [country] } : {}) })
      .where(eq(userDevices.id, existing.id));
    return newCountry ? { id: existing.id, status: "pending", reason: "new_country" } : { id: existing.id, status, reason: "known" };
  }
  await db.update(userDevices).set({ ...seen, status: "pending" }).where(eq(userDevices.id, existing.id));
  return { id: existing.id, status: "pending", reason: "pending" };
}

/** The device row behind a browser's cookie, if that browser has signed in as this user before. */
export async function findDeviceBySecret(userId: string, secret: string | null | undefined) {
  if (!isDeviceSecret(secret)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ id: userDevices.id, status: userDevices.status })
    .from(userDevices)
    .where(and(eq(userDevices.userId, userId), eq(userDevices.deviceHash, hashSecret(secret))))
    .limit(1);
  return row ?? null;
}

/** The browser the account was created from: its first device. Verification links trust only this one. */
export async function registrationDeviceId(userId: string): Promise<string | null> {
  const db = await getDb();
  const [row] = await db
    .select({ id: userDevices.id })
    .from(userDevices)
    .where(eq(userDevices.userId, userId))
    .orderBy(userDevices.createdAt)
    .limit(1);
  return row?.id ?? null;
}

export async function deviceStatus(userId: string, deviceId: string): Promise<DeviceStatus | null> {
  return (await deviceState(userId, deviceId))?.status ?? null;
}

export async function deviceState(userId: string, deviceId: string): Promise<{ status: DeviceStatus; lastSeenAt: Date } | null> {
  const db = await getDb();
  const [row] = await db
    .select({ status: userDevices.status, lastSeenAt: userDevices.lastSeenAt })
    .from(userDevices)
    .where(and(eq(userDevices.id, deviceId), eq(userDevices.userId, userId)))
    .limit(1);
  return row ? { status: row.status as DeviceStatus, lastSeenAt: row.lastSeenAt } : null;
}

const SEEN_EVERY_MS = 5 * 60_000;

/** "Last active" for the devices page: written at most every five minutes per device. */
export async function noteDeviceSeen(deviceId: string, lastSeenAt: Date, ip: string | null) {
  if (Date.now() - lastSeenAt.getTime() < SEEN_EVERY_MS) return;
  const db = await getDb();
  await db
    .update(userDevices)
    .set({ lastSeenAt: new Date(), ...(ip ? { ip } : {}) })
    .where(and(eq(userDevices.id, deviceId), lt(userDevices.lastSeenAt, new Date(Date.now() - SEEN_EVERY_MS))));
}

/** Trusts the device a user registered from, once their email address is verified. */
export async function trustRegistrationDevice(userId: string, deviceId: string, executor?: Pick<Awaited<ReturnType<typeof getDb>>, "update">) {
  const db = executor ?? (await getDb());
  const rows = await db
    .update(userDevices)
    .set({
      status: "trusted",
      trustedAt: new Date(),
      countries: sql`case when ${userDevices.country} = 'unknown' then '[]'::jsonb else jsonb_build_array(${userDevices.country}) end`,
    })
    .where(and(eq(userDevices.id, deviceId), eq(userDevices.userId, userId), eq(userDevices.status, "pending")))
    .returning({ id: userDevices.id });
  return rows.length > 0;
}

export type DeviceListItem = {
  id: string;
  status: DeviceStatus;
  browser: string | null;
  os: string | null;
  country: string;
  ip: string | null;
  lastSeenAt: Date;
  trustedAt: Date | null;
  createdAt: Date;
};

/** The user's devices, newest activity first (revoked ones are kept for the record but listed last). */
export async function listDevices(userId: string): Promise<DeviceListItem[]> {
  const db = await getDb();
  const rows = await db
    .select({
      id: userDevices.id,
      status: userDevices.status,
      browser: userDevices.browser,
      os: userDevices.os,
      country: userDevices.country,
      ip: userDevices.ip,
      lastSeenAt: userDevices.lastSeenAt,
      trustedAt: userDevices.trustedAt,
      createdAt: userDevices.createdAt,
    })
    .from(userDevices)
    .where(eq(userDevices.userId, userId))
    .orderBy(sql`case when ${userDevices.status} = 'revoked' then 1 else 0 end`, desc(userDevices.lastSeenAt))
    .limit(100);
  return rows.map((r) => ({ ...r, status: r.status as DeviceStatus }));
}

/**
 * Revokes one of the user's own devices: its sessions end at their next request, and the browser's
 * cookie no longer matches the row (the hash is replaced), so its next sign-in asks for confirmation.
 */
export async function revokeDevice(input: { userId: string; deviceId: string; meta: Meta }): Promise<boolean> {
  const db = await getDb();
  const revoked = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(userDevices)
      .set({ status: "revoked", deviceHash: `revoked:${newDeviceSecret()}` })
      .where(and(eq(userDevices.id, input.deviceId), eq(userDevices.userId, input.userId), sql`${userDevices.status} <> 'revoked'`))
      .returning({ id: userDevices.id, browser: userDevices.browser, os: userDevices.os, country: userDevices.country });
    if (!row) return false;
    await writeAudit(
      {
        action: "device.revoked",
        actorId: input.userId,
        userId: input.userId,
        detail: { device: row.id, browser: row.browser, os: row.os, country: row.country },
        ip: input.meta.ip,
        userAgent: input.meta.userAgent,
      },
      tx,
    );
    return true;
  });
  if (revoked) await publishDeviceRevoked(input.deviceId);
  return revoked;
}
