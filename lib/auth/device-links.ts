import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { authTokens, userDevices, users } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { renderNewDevice, sendEmail } from "@/lib/email";
import { appOrigin } from "@/lib/env";
import type { DeviceStatus, Meta } from "./devices";
import { publishDeviceRevoked } from "./revocations";
import { consumeToken, issueToken, peekToken, TOKEN_KINDS, type TokenFailure } from "./tokens";
import { log } from "@/lib/logger";

export const DEVICE_LINK_TTL_MINUTES = 30;

export type DeviceAnswerKind = "yes" | "no";

/**
 * Emails the owner one-time links (hashed, 30 minutes) to answer "was this you?" for a waiting device:
 * Yes and No carry distinct tokens of one pair, so the No link (which a worried owner may forward or
 * paste anywhere) cannot trust the device, and using either voids both. Earlier emails' links stay
 * valid only until they expire; each names its own device.
 */
export async function sendDeviceConfirmation(input: { userId: string; deviceId: string; reason: string }) {
  const db = await getDb();
  const [row] = await db
    .select({
      email: users.email,
      name: users.name,
      locale: users.locale,
      browser: userDevices.browser,
      os: userDevices.os,
      country: userDevices.country,
      ip: userDevices.ip,
      lastSeenAt: userDevices.lastSeenAt,
    })
    .from(userDevices)
    .innerJoin(users, eq(users.id, userDevices.userId))
    .where(and(eq(userDevices.id, input.deviceId), eq(userDevices.userId, input.userId)))
    .limit(1);
  if (!row) return;
  const pair = randomUUID();
  const { notifySecurity } = await import("@/lib/notifications/engine-events");
  // The links, the audit entry and the security event (the bell and Telegram, through the outbox) are
  // written in one transaction; the email below stays, and cannot be turned off.
  const [yesLink, noLink] = await db.transaction(async (tx) => {
    const link = async (answer: DeviceAnswerKind) => {
      const token = await issueToken(
        { userId: input.userId, kind: TOKEN_KINDS.newDevice, ttlMinutes: DEVICE_LINK_TTL_MINUTES, meta: { deviceId: input.deviceId, answer, pair } },
        tx,
      );
      const url = new URL("/confirm-device", appOrigin());
      url.searchParams.set("token", token);
      url.searchParams.set("answer", answer);
      return url.toString();
    };
    const links = [await link("yes"), await link("no")] as const;
    await notifySecurity(tx, { userId: input.userId, reason: "new_device", changeId: pair });
    await writeAudit(
      {
        action: "device.pending",
        actorId: input.userId,
        userId: input.userId,
        detail: { device: input.deviceId, reason: input.reason, country: row.country, browser: row.browser, os: row.os },
        ip: row.ip,
      },
      tx,
    );
    return links;
  });
  try {
    await sendEmail({
      to: row.email,
      kind: "new_device",
      ...renderNewDevice({
        locale: row.locale,
        name: row.name,
        browser: row.browser,
        os: row.os,
        country: row.country,
        ip: row.ip,
        time: row.lastSeenAt,
        yesLink,
        noLink,
      }),
    });
  } catch (error) {
    log().error({ err: error }, "device confirmation email not sent");
  }
}

export type DeviceLinkDetails = {
  ok: true;
  deviceId: string;
  /** The one answer this link can give. */
  answer: DeviceAnswerKind;
  status: DeviceStatus;
  browser: string | null;
  os: string | null;
  country: string;
  ip: string | null;
  lastSeenAt: Date;
};

/** What a confirmation link is about, without using it up (the page shows it before the answer). */
export async function peekDeviceLink(token: string): Promise<DeviceLinkDetails | { ok: false; reason: TokenFailure }> {
  const check = await peekToken({ token, kind: TOKEN_KINDS.newDevice });
  if (!check.ok) return check;
  const answer = linkAnswer(check.meta);
  if (!answer) return { ok: false, reason: "invalid" };
  const deviceId = check.meta.deviceId ?? "";
  const db = await getDb();
  const [row] = await db
    .select({
      status: userDevices.status,
      browser: userDevices.browser,
      os: userDevices.os,
      country: userDevices.country,
      ip: userDevices.ip,
      lastSeenAt: userDevices.lastSeenAt,
    })
    .from(userDevices)
    .where(and(eq(userDevices.id, deviceId), eq(userDevices.userId, check.userId)))
    .limit(1);
  if (!row) return { ok: false, reason: "invalid" };
  return { ok: true, deviceId, answer, ...row, status: row.status as DeviceStatus };
}

function linkAnswer(meta: Record<string, string>): DeviceAnswerKind | null {
  return meta.answer === "yes" || meta.answer === "no" ? meta.answer : null;
}

export type DeviceAnswer = { ok: true; answer: "yes" | "no"; userId: string } | { ok: false; reason: TokenFailure };

/**
 * The owner's answer from the emailed link, in one transaction with using the link up (and its pair:
 * answering voids the other link). Yes trusts the device (and its current country); No declines it,
 * which ends its session at the next request. A link gives only the answer it was issued for.
 */
export async function answerDeviceLink(input: { token: string; answer: DeviceAnswerKind; meta: Meta }): Promise<DeviceAnswer> {
  const db = await getDb();
  const result = await db.transaction(async (tx): Promise<DeviceAnswer & { deviceId?: string }> => {
    const check = await peekToken({ token: input.token, kind: TOKEN_KINDS.newDevice }, tx);
    if (check.ok && linkAnswer(check.meta) !== input.answer) return { ok: false, reason: "invalid" };
    const used = await consumeToken({ token: input.token, kind: TOKEN_KINDS.newDevice }, tx);
    if (!used.ok) return used;
    const deviceId = used.meta.deviceId ?? "";
    const now = new Date();
    await tx
      .update(authTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(authTokens.userId, used.userId),
          eq(authTokens.kind, TOKEN_KINDS.newDevice),
          isNull(authTokens.usedAt),
          sql`${authTokens.meta}->>'pair' = ${used.meta.pair ?? ""}`,
        ),
      );
    const [row] = await tx
      .update(userDevices)
      .set(
        input.answer === "yes"
          ? {
              status: "trusted",
              trustedAt: now,
              countries: sql`(select coalesce(jsonb_agg(distinct c), '[]'::jsonb) from jsonb_array_elements_text(${userDevices.countries} || to_jsonb(${userDevices.country}::text)) as c where c <> 'unknown')`,
            }
          : { status: "declined" },
      )
      // Only a waiting device: a link answered late cannot re-trust a device revoked meanwhile.
      .where(and(eq(userDevices.id, deviceId), eq(userDevices.userId, used.userId), eq(userDevices.status, "pending")))
      .returning({ id: userDevices.id, country: userDevices.country, browser: userDevices.browser, os: userDevices.os });
    if (!row) return { ok: false, reason: "used" };
    await writeAudit(
      {
        action: input.answer === "yes" ? "device.trusted" : "device.declined",
        actorId: used.userId,
        userId: used.userId,
        detail: { device: deviceId, country: row.country, browser: row.browser, os: row.os, via: "email" },
        ip: input.meta.ip,
        userAgent: input.meta.userAgent,
      },
      tx,
    );
    return { ok: true, answer: input.answer, userId: used.userId, deviceId };
  });
  if (result.ok && result.answer === "no" && result.deviceId) await publishDeviceRevoked(result.deviceId);
  if (!result.ok) return result;
  return { ok: true, answer: result.answer, userId: result.userId };
}
