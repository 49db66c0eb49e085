"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { writeAudit } from "@/db/queries/audit";
import { deleteTelegramLink } from "@/db/queries/telegram";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { requestMeta } from "@/lib/request";
import { createLinkCode } from "./codes";
import { LINK_CODE_MINUTES, telegramConfig } from "./config";

const SETTINGS_PATH = "/dashboard/settings/notifications";
const noFields = z.object({});

/** "Connect Telegram": a one-time code for the signed-in user and the t.me link that carries it. */
export const connectTelegramAction = validatedActionWithUser("dashboard.view", noFields, async (_data, { user, t }) => {
  const { token, username } = telegramConfig();
  if (!token || !username) return { message: t("telegram.connect.notConfiguredError") };
  const { code, url } = await createLinkCode(user.id);
  await writeAudit({ action: "settings.telegram_code_created", userId: user.id, actorId: user.id, detail: { minutes: LINK_CODE_MINUTES }, ...(await requestMeta()) });
  return { ok: true, reveal: { url: url!, command: `/start ${code}`, bot: username } };
});

export const disconnectTelegramAction = validatedActionWithUser("dashboard.view", noFields, async (_data, { user, t }) => {
  if (await deleteTelegramLink({ userId: user.id })) {
    await writeAudit({ action: "settings.telegram_unlinked", userId: user.id, actorId: user.id, detail: { via: "web" }, ...(await requestMeta()) });
  }
  revalidatePath(SETTINGS_PATH);
  return { ok: true, message: t("telegram.connect.disconnected") };
});
