"use server";

import { revalidatePath } from "next/cache";
import { getSetting, SETTINGS, setSetting } from "@/db/queries/app-settings";
import { writeAudit } from "@/db/queries/audit";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { requestMeta } from "@/lib/request";
import { requireTwoFactorSchema } from "@/lib/validations/two-factor";

export const setRequireTwoFactorAction = validatedActionWithUser("users.manage", requireTwoFactorSchema, async ({ enabled }, { user, t }) => {
  const before = (await getSetting<unknown>(SETTINGS.require2faAdmins, false)) === true;
  await setSetting(SETTINGS.require2faAdmins, enabled, user.id);
  const meta = await requestMeta();
  await writeAudit({ action: "settings.require_2fa_admins", actorId: user.id, detail: { from: before, to: enabled }, ...meta });
  // Every admin page shows (or stops showing) the banner.
  revalidatePath("/admin", "layout");
  return { ok: true, message: t(enabled ? "twoFactor.admin.nowRequired" : "twoFactor.admin.noLongerRequired") };
});
