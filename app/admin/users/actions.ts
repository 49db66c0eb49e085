"use server";

import { revalidatePath } from "next/cache";
import { adminUpdateUser } from "@/lib/users";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { isRole } from "@/lib/auth/roles";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { requestMeta } from "@/lib/request";
import { changeRoleSchema, setDisabledSchema } from "@/lib/validations/admin";

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
