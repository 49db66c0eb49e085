import "server-only";
import { getDb } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findUserById, listActiveAdmins, lockUsers, updateUserAccess, type PublicUser } from "@/db/queries/users";
import { publishSessionVersion } from "@/lib/auth/revocations";
import { ROLES } from "@/lib/auth/roles";
import { renderAccountApproved, renderApprovalRequest, sendEmail } from "@/lib/email";
import { appOrigin } from "@/lib/env";
import { log } from "@/lib/logger";

/**
 * Accounts waiting for approval (role "user", enabled): admins are told when one registers, approve it
 * (it becomes a trader and is told by email) or decline it (it is disabled, like the Disable button).
 */

type Defer = (task: () => Promise<void>) => void;

export type Decision =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "not_waiting"; user: PublicUser };

function isWaiting(user: PublicUser) {
  return user.role === ROLES.user && !user.disabled;
}

/** Emails every active admin that this account waits for approval. Never throws: failures are logged. */
export async function notifyAdminsOfPendingUser(user: Pick<PublicUser, "name" | "email" | "createdAt">): Promise<void> {
  try {
    const admins = await listActiveAdmins();
    const link = new URL("/admin/users", appOrigin()).toString();
    // In parallel: one slow admin address must not hold the others (each send has its own timeout).
    const results = await Promise.allSettled(
      admins.map((admin) =>
        sendEmail({ to: admin.email, kind: "approval_request", ...renderApprovalRequest({ locale: admin.locale, name: admin.name, user, link }) }),
      ),
    );
    for (const result of results) {
      if (result.status === "rejected") log().error({ err: result.reason }, "approval request not sent");
    }
  } catch (error) {
    log().error({ err: error }, "admins not notified of a pending user");
  }
}

/** Tells the user their account was approved, with a link to the dashboard. Never throws. */
export async function sendApprovedEmail(user: Pick<PublicUser, "name" | "email" | "locale">): Promise<void> {
  try {
    const link = new URL("/dashboard", appOrigin()).toString();
    await sendEmail({ to: user.email, kind: "account_approved", ...renderAccountApproved({ locale: user.locale, name: user.name, link }) });
  } catch (error) {
    log().error({ err: error }, "approval email not sent");
  }
}

async function decide(
  input: { actorId: string; userId: string; ip?: string | null },
  decision: "approve" | "decline",
): Promise<Decision> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<Decision> => {
    // The same lock as every other role change: two admins deciding at once cannot both act.
    await lockUsers(tx);
    const target = await findUserById(input.userId, tx);
    if (!target) return { ok: false, reason: "not_found" };
    if (!isWaiting(target)) return { ok: false, reason: "not_waiting", user: target };
    const change =
      decision === "approve"
        ? { role: ROLES.trader, disabled: false, endSessions: false }
        : { role: target.role, disabled: true, endSessions: true };
    const updated = await updateUserAccess(target.id, change, tx);
    if (!updated) return { ok: false, reason: "not_found" };
    await writeAudit(
      {
        action: decision === "approve" ? "user.approve" : "user.decline",
        actorId: input.actorId,
        userId: target.id,
        detail: decision === "approve" ? { from: target.role, to: ROLES.trader } : undefined,
        ip: input.ip,
      },
      tx,
    );
    return { ok: true, user: updated };
  });
}

/**
 * Approves a waiting account: it becomes a trader (audited "user.approve") and gets an email, sent in
 * `defer` when given (Next's `after()`, so a slow mail service does not hold the admin's click).
 */
export async function approveUser(input: { actorId: string; userId: string; ip?: string | null; defer?: Defer }): Promise<Decision> {
  const result = await decide(input, "approve");
  if (result.ok) {
    const task = () => sendApprovedEmail(result.user);
    if (input.defer) input.defer(task);
    else await task();
  }
  return result;
}

/**
 * Declines a waiting account: it is disabled (audited "user.decline"), so it cannot sign in and
 * leaves the waiting list; an admin can still enable it later from the users table.
 */
export async function declineUser(input: { actorId: string; userId: string; ip?: string | null }): Promise<Decision> {
  const result = await decide(input, "decline");
  // Its session ends at the next request; with Redis, the middleware refuses it without a database call.
  if (result.ok) await publishSessionVersion(result.user.id, result.user.sessionVersion);
  return result;
}
