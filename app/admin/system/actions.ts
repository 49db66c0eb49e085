"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { retryDeadDeliveries } from "@/db/queries/operations";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { log } from "@/lib/logger";

export const retryOutboxAction = validatedActionWithUser("users.manage", z.object({}), async (_data, { user, t }) => {
  const count = await retryDeadDeliveries();
  log({ userId: user.id }).info({ count }, "given-up notification deliveries queued again");
  revalidatePath("/admin/system");
  return { ok: true, message: t("system.outbox.retried", { count }) };
});
