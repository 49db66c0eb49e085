"use server";

import { revalidatePath } from "next/cache";
import { writeAudit } from "@/db/queries/audit";
import { insertSignal, updateSignal } from "@/db/queries/signals";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { AppError } from "@/lib/errors";
import { requestMeta } from "@/lib/request";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { createSignalSchema, signalEnabledSchema, signalIdSchema } from "@/lib/validations/signals";

export const createSignalAction = validatedActionWithUser("signals.manage", createSignalSchema, async (data, { user, t }) => {
  const { secret, columns } = newSignalCredentials();
  const created = await insertSignal({ name: data.name, description: data.description, ...columns, createdBy: user.id });
  if (!created) return { errors: { name: [t("validation.signalNameTaken")] }, values: { name: data.name, description: data.description } };
  const meta = await requestMeta();
  await writeAudit({ action: "signal.created", actorId: user.id, detail: { name: created.name }, ...meta });
  revalidatePath("/admin/signals");
  return { ok: true, message: t("signals.created", { name: created.name }), reveal: { name: created.name, secret } };
});

export const rotateSignalSecretAction = validatedActionWithUser("signals.manage", signalIdSchema, async (data, { user, t }) => {
  const { secret, columns } = newSignalCredentials();
  const updated = await updateSignal(data.signalId, { ...columns, secretRotatedAt: new Date() });
  if (!updated) throw new AppError("not_found", "Signal not found");
  const meta = await requestMeta();
  await writeAudit({ action: "signal.secret_rotated", actorId: user.id, detail: { name: updated.name }, ...meta });
  revalidatePath("/admin/signals");
  return { ok: true, message: t("signals.rotated", { name: updated.name }), reveal: { name: updated.name, secret } };
});

export const setSignalEnabledAction = validatedActionWithUser("signals.manage", signalEnabledSchema, async (data, { user, t }) => {
  const updated = await updateSignal(data.signalId, { enabled: data.enabled });
  if (!updated) throw new AppError("not_found", "Signal not found");
  const meta = await requestMeta();
  await writeAudit({ action: data.enabled ? "signal.enabled" : "signal.disabled", actorId: user.id, detail: { name: updated.name }, ...meta });
  revalidatePath("/admin/signals");
  return { ok: true, message: t(data.enabled ? "signals.enabledMsg" : "signals.disabledMsg", { name: updated.name }) };
});
