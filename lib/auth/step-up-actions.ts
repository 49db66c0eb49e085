"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/actions/validated-action";
import { requestMeta } from "@/lib/request";
import { auth, updateSession } from "./auth";
import { recentAuthProof } from "./fresh-token";
import { reauthenticate } from "./reauthenticate";
import { requireUser } from "./session";

const reauthSchema = z.object({
  password: z.string().max(200).catch(""),
  code: z.string().trim().max(40).catch(""),
});

/** The re-enter-password dialog: proves the password (or a 2FA code) and marks this session as fresh. */
export const reauthenticateAction = validatedAction(reauthSchema, async ({ password, code }, { t }) => {
  const user = await requireUser();
  if (!password && !code) return { errors: { password: [t("reauth.passwordRequired")] } };
  const result = await reauthenticate({ userId: user.id, password, code, meta: await requestMeta() });
  if (result === "locked") return { message: t("reauth.locked") };
  if (result === "invalid") return { errors: { password: [t(password ? "reauth.wrong" : "reauth.wrongCode")] } };
  const session = await auth();
  if (!session?.sessionId) return { message: t("errors.unauthorized") };
  await updateSession({ reauthProof: recentAuthProof(user.id, session.sessionId) } as object);
  return { ok: true };
});
