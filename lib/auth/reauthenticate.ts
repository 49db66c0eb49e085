import "server-only";
import { writeAudit } from "@/db/queries/audit";
import { findPasswordHash } from "@/db/queries/login-attempts";
import { beginAttempt } from "./attempts";
import { verifyPassword } from "./password";
import { checkSecondFactor } from "./two-factor";

type Meta = { ip: string | null; userAgent: string | null };

/**
 * Re-proves a signed-in user with their password or a current 2FA code. Counted towards the sign-in
 * lockout like any other guess, so the dialog cannot be used to try passwords without limit.
 */
export async function reauthenticate(input: { userId: string; password: string; code: string; meta: Meta }): Promise<"ok" | "invalid" | "locked"> {
  const { userId, meta } = input;
  const attempt = await beginAttempt(userId, meta, input.password ? "password" : "2fa");
  if (!attempt) return "locked";
  let ok = false;
  if (input.password) ok = await verifyPassword(await findPasswordHash(userId), input.password);
  else if (input.code) ok = (await checkSecondFactor({ userId, code: input.code, meta, attempt })) === "ok";
  await writeAudit({ action: ok ? "login.reauth" : "login.reauth_failure", actorId: userId, userId, detail: { via: input.password ? "password" : "2fa" }, ...meta });
  if (!ok) {
    await attempt.fail();
    return "invalid";
  }
  await attempt.succeed();
  return "ok";
}
