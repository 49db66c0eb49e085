"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import type { getTranslations } from "next-intl/server";
import { adminUpdateUser } from "@/lib/users";
import { approveUser, declineUser, type Decision } from "@/lib/approvals";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { isRole } from "@/lib/auth/roles";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { requestMeta } from "@/lib/request";
import { approvalSchema, changeRoleSchema, setDisabledSchema } from "@/lib/validations/admin";

export const changeRoleAction = validatedActionWithUser("users.manage", changeRoleSchema, async (data, { user, t }) => {
  if (!isRole(data.role)) return { errors: { role: [t("validation.roleInvalid")] } };
  await requireRecentAuth(user.id);
  const { ip } = await requestMeta();
  const updated = await adminUpdateUser({ actorId: user.id, userId: data.userId, change: { role: data.role }, ip });
  revalidatePath("/admin/users");
  return { ok: true, message: t("admin.roleChanged", { name: updated.name, role: t(`roles.${updated.role}` as "roles.1") }) };
});

export const setDisabledAction = validatedActionWithUser("users.manage", setDisabledSchema, async (data, { user, t }) => {
  const { ip } = await requestMeta();
  const updated = await adminUpdateUser({ actorId: user.id, userId: data.userId, change: { disabled: data.disabled }, ip });
  revalidatePath("/admin/users");
  return { ok: true, message: t(updated.disabled ? "admin.userDisabled" : "admin.userEnabled", { name: updated.name }) };
});

type Translator = Awaited<ReturnType<typeof getTranslations>>;

function decided(result: Decision, t: Translator, done: "admin.approved" | "admin.declined"): ActionState {
  revalidatePath("/admin/users");
  if (result.ok) return { ok: true, message: t(done, { name: result.user.name }) };
  if (result.reason === "not_found") return { message: t("errors.not_found") };
  return { message: t("admin.notWaiting", { name: result.user.name }) };
}

/** Approve in the waiting list: the account becomes a trader; its email goes out after the response. */
export const approveUserAction = validatedActionWithUser("users.manage", approvalSchema, async (data, { user, t }) => {
  const { ip } = await requestMeta();
  const result = await approveUser({ actorId: user.id, userId: data.userId, ip, defer: (task) => after(task) });
  return decided(result, t, "admin.approved");
});

/** Decline in the waiting list: the account is disabled (audited), and can be enabled again later. */
export const declineUserAction = validatedActionWithUser("users.manage", approvalSchema, async (data, { user, t }) => {
  const { ip } = await requestMeta();
  return decided(await declineUser({ actorId: user.id, userId: data.userId, ip }), t, "admin.declined");
});
