"use server";

import { randomUUID } from "node:crypto";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deleteAiSource, insertAiSource, updateAiSource } from "@/db/queries/ai-sources";
import { writeAudit } from "@/db/queries/audit";
import { manualSlot, runAiSource, sealAiKey } from "@/lib/ai-sources";
import { aiSourceEnabledSchema, aiSourceFormSchema, aiSourceIdSchema } from "@/lib/ai-sources/validation";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { AppError } from "@/lib/errors";
import { requestMeta } from "@/lib/request";

type Translator = Parameters<Parameters<typeof validatedActionWithUser>[2]>[1]["t"];

/** Field errors in the "ai.validation" messages (the shared validation messages have no AI fields). */
function fieldErrors(error: z.ZodError, t: Translator): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    const key = `ai.validation.${issue.message}`;
    const text = t.has(key) ? t(key) : t("ai.validation.invalid");
    if (!errors[field]?.includes(text)) (errors[field] ??= []).push(text);
  }
  return errors;
}

function echo(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of formData.entries()) if (typeof value === "string" && name !== "apiKey" && !name.startsWith("$")) values[name] = value;
  return values;
}

export const saveAiSourceAction = validatedActionWithUser("signals.manage", z.object({}), async (_, { user, t, formData }): Promise<ActionState> => {
  const parsed = aiSourceFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { errors: fieldErrors(parsed.error, t), message: t("errors.fixFields"), values: echo(formData) };
  const { id, apiKey, ...data } = parsed.data;
  const meta = await requestMeta();
  if (id) {
    const ok = await updateAiSource(id, { ...data, ...(apiKey ? sealAiKey(id, apiKey) : {}) });
    if (!ok) throw new AppError("not_found", "AI source not found");
    await writeAudit({ action: "ai_source.updated", actorId: user.id, detail: { name: data.name, keyReplaced: Boolean(apiKey) }, ...meta });
  } else {
    if (!apiKey) return { errors: { apiKey: [t("ai.validation.apiKeyRequired")] }, message: t("errors.fixFields"), values: echo(formData) };
    const newId = randomUUID();
    const created = await insertAiSource({ id: newId, ...data, ...sealAiKey(newId, apiKey), createdBy: user.id });
    if (!created) return { errors: { name: [t("ai.validation.nameTaken")] }, message: t("errors.fixFields"), values: echo(formData) };
    await writeAudit({ action: "ai_source.created", actorId: user.id, detail: { name: data.name }, ...meta });
  }
  revalidatePath("/admin/ai");
  return { ok: true, message: t("ai.saved", { name: data.name }) };
});

export const setAiSourceEnabledAction = validatedActionWithUser("signals.manage", aiSourceEnabledSchema, async (data, { user, t }) => {
  if (!(await updateAiSource(data.sourceId, { enabled: data.enabled }))) throw new AppError("not_found", "AI source not found");
  await writeAudit({ action: data.enabled ? "ai_source.enabled" : "ai_source.disabled", actorId: user.id, detail: { sourceId: data.sourceId }, ...(await requestMeta()) });
  revalidatePath("/admin/ai");
  return { ok: true, message: t(data.enabled ? "ai.enabledMsg" : "ai.disabledMsg") };
});

export const deleteAiSourceAction = validatedActionWithUser("signals.manage", aiSourceIdSchema, async (data, { user, t }) => {
  if (!(await deleteAiSource(data.sourceId))) throw new AppError("not_found", "AI source not found");
  await writeAudit({ action: "ai_source.deleted", actorId: user.id, detail: { sourceId: data.sourceId }, ...(await requestMeta()) });
  revalidatePath("/admin/ai");
  return { ok: true, message: t("ai.deleted") };
});

export const runAiSourceNowAction = validatedActionWithUser("signals.manage", aiSourceIdSchema, async (data, { user, t }) => {
  const summary = await runAiSource(data.sourceId, { slot: manualSlot(new Date()) });
  if (!summary) return { message: t("ai.busy") };
  await writeAudit({ action: "ai_source.run", actorId: user.id, detail: { sourceId: data.sourceId }, ...(await requestMeta()) });
  revalidatePath("/admin/ai");
  const made = summary.results.filter((r) => r.outcome === "signal").length;
  return { ok: true, message: t("ai.ran", { asked: summary.results.length, signals: made }) };
});
