"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getRebalancer, saveRebalancer } from "@/db/queries/rebalancer";
import { tradingAccount } from "@/lib/accounts";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { AppError } from "@/lib/errors";
import { rebalanceAccount, type RunOutcome } from "@/lib/rebalancer";
import { rebalancerFormSchema } from "@/lib/rebalancer/validation";
import { weightSum } from "@/lib/rebalancer/validation";

const PATH = "/dashboard/rebalancer";
const formShape = z.object({ accountId: z.uuid() }).loose();

export const saveRebalancerAction = validatedActionWithUser("trading.manage", formShape, async (raw, { user, t, formData }) => {
  const values = Object.fromEntries([...formData.entries()].filter(([k, v]) => !k.startsWith("$") && typeof v === "string")) as Record<string, string>;
  const parsed = rebalancerFormSchema.safeParse(raw);
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      const key = `rebalancer.errors.${issue.message}`;
      const text = t.has(key) ? t(key, { sum: weightSum(String(raw.targets ?? "").split(";").map((p) => ({ weight: p.split("=")[1]?.trim() ?? "" }))), quote: String(raw.quote ?? "").toUpperCase() }) : t("errors.fixFields");
      if (!errors[field]?.includes(text)) (errors[field] ??= []).push(text);
    }
    return { errors, message: t("errors.fixFields"), values };
  }
  const data = parsed.data;
  // Known assets: each one a market against the quote on this account's venue.
  const { account, client } = await tradingAccount(user.id, data.accountId);
  if (!account.spot && account.exchange !== "paper") return { ok: false, message: t("rebalancer.perpNotSupported"), values };
  for (const { asset } of data.targets) {
    if (asset === data.quote) continue;
    const market = await client.market(`${asset}/${data.quote}`).catch(() => null);
    if (!market) {
      const message = t("rebalancer.errors.unknownAsset", { asset, quote: data.quote });
      return { errors: { targets: [message] }, message, values };
    }
  }
  const { accountId, ...settings } = data;
  if (!(await saveRebalancer({ userId: user.id, accountId, settings }))) throw new AppError("not_found", "Account not found");
  revalidatePath(PATH);
  return { ok: true, message: t("rebalancer.saved"), values };
});

const runSchema = z.object({ accountId: z.uuid(), mode: z.enum(["dry", "live"]) });

function outcomeMessage(outcome: RunOutcome, dry: boolean, t: (key: string, values?: Record<string, string>) => string): ActionState {
  const reason = (code?: string) => {
    const known = ["trading_paused", "trading_off", "account_off", "not_trader", "not_found"];
    return code && known.includes(code) ? t(`rebalancer.reasons.${code}`) : t("rebalancer.reasons.other", { code: code ?? "" });
  };
  switch (outcome.status) {
    case "done":
      return { ok: true, message: t(dry ? "rebalancer.outcome.dryDone" : "rebalancer.outcome.done") };
    case "running":
      return { ok: true, message: t("rebalancer.outcome.running") };
    case "busy":
      return { ok: false, message: t("rebalancer.outcome.busy") };
    case "skipped":
      return { ok: false, message: t("rebalancer.outcome.skipped", { reason: reason(outcome.reason) }) };
    default:
      return { ok: false, message: t("rebalancer.outcome.failed", { reason: reason(outcome.reason) }) };
  }
}

export const runRebalancerAction = validatedActionWithUser("trading.manage", runSchema, async (data, { user, t }) => {
  const settings = await getRebalancer({ userId: user.id, accountId: data.accountId });
  if (!settings) throw new AppError("not_found", "Account not found");
  const dry = data.mode === "dry";
  if (!dry && settings.dryRun) return { ok: false, message: t("rebalancer.runNowDryRunOn") };
  // A live run places real orders: the same recent-password step-up as a manual order.
  if (!dry) await requireRecentAuth(user.id);
  const outcome = await rebalanceAccount(settings, { trigger: "manual", dryRun: dry });
  revalidatePath(PATH);
  return outcomeMessage(outcome, dry, t);
});
