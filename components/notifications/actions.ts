"use server";

import { revalidatePath } from "next/cache";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { listInAppNotifications, markNotificationsRead, saveNotificationSettings } from "@/db/queries/notifications";
import type { ActionState } from "@/lib/actions/validated-action";
import { AppError } from "@/lib/errors";
import { requireUser } from "@/lib/auth/session";
import { eventLine, notificationTranslator } from "@/lib/notifications/render";
import { matrixFromForm, notificationSettingsSchema } from "@/lib/notifications/validation";

export async function saveNotificationSettingsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const t = await getTranslations("notifications.settings");
  const user = await requireUser("dashboard.view");
  const parsed = notificationSettingsSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      const key = ["invalidTime", "invalidTimeZone", "quietBoth"].includes(issue.message) ? issue.message : "invalid";
      (errors[field] ??= []).push(t(key as "invalid"));
    }
    const values = Object.fromEntries(["quietStart", "quietEnd", "timeZone"].map((k) => [k, String(formData.get(k) ?? "")]));
    return { errors, message: t("invalid"), values };
  }
  await saveNotificationSettings({
    userId: user.id,
    matrix: matrixFromForm(formData),
    quietStart: parsed.data.quietStart || null,
    quietEnd: parsed.data.quietEnd || null,
    timeZone: parsed.data.timeZone,
  });
  revalidatePath("/dashboard/settings/notifications");
  return { ok: true, message: t("saved") };
}

export interface BellItem {
  id: string;
  type: string;
  text: string;
  read: boolean;
  at: string;
}

/**
 * The bell polls from every page: a user signed out or demoted since the page loaded gets an empty bell
 * (the next page load takes them where they belong), never a server error.
 */
async function bellUser() {
  try {
    return await requireUser("dashboard.view");
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
}

/** The bell's list: the signed-in user's latest in-app events, already worded in their language. */
export async function loadBellAction(): Promise<{ unread: number; items: BellItem[] }> {
  const user = await bellUser();
  if (!user) return { unread: 0, items: [] };
  const [{ rows, unread }, locale] = await Promise.all([listInAppNotifications({ userId: user.id, limit: 15 }), getLocale()]);
  const { t } = notificationTranslator(locale);
  return {
    unread,
    items: rows.map((r) => ({ id: r.id, type: r.type, text: eventLine(t, r.type, r.payload), read: r.readAt !== null, at: r.createdAt.toISOString() })),
  };
}

const markSchema = z.object({ ids: z.array(z.uuid()).max(100).optional() });

export async function markReadAction(input: { ids?: string[] }): Promise<{ ok: boolean }> {
  const user = await bellUser();
  if (!user) return { ok: false };
  const parsed = markSchema.safeParse(input);
  if (!parsed.success) return { ok: false };
  await markNotificationsRead({ userId: user.id, ids: parsed.data.ids });
  return { ok: true };
}
