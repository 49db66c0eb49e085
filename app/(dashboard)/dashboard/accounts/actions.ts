"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { writeAudit } from "@/db/queries/audit";
import { deleteAccount } from "@/db/queries/exchange-accounts";
import { addExchangeAccount, cancelAllForSymbol, cancelExchangeOrder, placeManualOrder, testAccountConnection } from "@/lib/accounts";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { AppError } from "@/lib/errors";
import { exchangeInfo } from "@/lib/exchanges/catalog";
import { requestMeta } from "@/lib/request";
import {
  accountIdSchema,
  addAccountSchema,
  cancelAllSchema,
  cancelOrderSchema,
  placeOrderSchema,
} from "@/lib/validations/accounts";

export const addAccountAction = validatedActionWithUser("trading.manage", addAccountSchema, async (data, { user }) => {
  await requireRecentAuth(user.id);
  const meta = await requestMeta();
  const { account, withdrawalsEnabled } = await addExchangeAccount(user.id, data, meta);
  revalidatePath("/dashboard/accounts");
  redirect(`/dashboard/accounts/${account.id}?added=1${withdrawalsEnabled ? "&withdrawals=1" : ""}`);
});

export const deleteAccountAction = validatedActionWithUser("trading.manage", accountIdSchema, async (data, { user }) => {
  const removed = await deleteAccount(user.id, data.accountId);
  if (!removed) throw new AppError("not_found", "Account not found");
  const meta = await requestMeta();
  await writeAudit({ action: "account.removed", userId: user.id, actorId: user.id, detail: { label: removed.label }, ...meta });
  revalidatePath("/dashboard/accounts");
  redirect("/dashboard/accounts?removed=1");
});

export const placeOrderAction = validatedActionWithUser("trading.manage", placeOrderSchema, async (data, { user, t }) => {
  await requireRecentAuth(user.id);
  const outcome = await placeManualOrder(user.id, data);
  revalidatePath(`/dashboard/accounts/${data.accountId}`);
  if (outcome.kind === "refused") {
    const message = t(`orders.refusal.${outcome.refusal.reason}`, "min" in outcome.refusal ? { min: outcome.refusal.min } : "max" in outcome.refusal ? { max: outcome.refusal.max } : {});
    return { errors: { amount: [message] }, message, values: { ...data, price: data.price ?? "" } };
  }
  if (outcome.kind === "unknown") return { ok: false, message: t("orders.unknownOutcome") };
  if (outcome.kind === "switched_off") return { ok: false, message: t("orders.switchedOff") };
  const o = outcome.order;
  return {
    ok: true,
    message: t(o.status === "filled" ? "orders.placedFilled" : "orders.placedOpen", {
      side: t(`orders.side.${o.side}`),
      amount: o.amount,
      symbol: o.symbol,
    }),
  };
});

export const cancelOrderAction = validatedActionWithUser("trading.manage", cancelOrderSchema, async (data, { user, t }) => {
  await cancelExchangeOrder(user.id, data);
  revalidatePath(`/dashboard/accounts/${data.accountId}`);
  return { ok: true, message: t("orders.canceled") };
});

export const cancelAllAction = validatedActionWithUser("trading.manage", cancelAllSchema, async (data, { user, t }) => {
  const count = await cancelAllForSymbol(user.id, data);
  revalidatePath(`/dashboard/accounts/${data.accountId}`);
  return { ok: true, message: t("orders.canceledAll", { count, symbol: data.symbol }) };
});

/** The connection test's answer: each check translated, with what to do. */
export type ConnectionTestState = ActionState & {
  checks?: { id: string; status: "ok" | "warn" | "failed" | "unknown"; title: string; text: string }[];
};

const runConnectionTest = validatedActionWithUser("trading.manage", accountIdSchema, async (data, { user, t }) => {
  const outcome = await testAccountConnection(user.id, data.accountId);
  if (outcome.kind === "too_soon") return { ok: false, message: t("accounts.connection.tooSoon", { seconds: outcome.retryAfterSeconds }) };
  // The sentence is chosen by the check's result, so its key is only known here.
  const sentence = t as unknown as (key: string, values: Record<string, string | number>) => string;
  const exchange = exchangeInfo(outcome.exchange)?.name ?? outcome.exchange;
  const failed = outcome.checks.filter((c) => c.status === "failed").length;
  const warnings = outcome.checks.filter((c) => c.status === "warn").length;
  const state: ConnectionTestState = {
    ok: failed === 0,
    message: failed
      ? t("accounts.connection.someFailed", { count: failed })
      : warnings
        ? t("accounts.connection.warnings", { count: warnings })
        : t("accounts.connection.allOk"),
    checks: outcome.checks.map((c) => ({
      id: c.id,
      status: c.status,
      title: t(`accounts.connection.titles.${c.id}`),
      text: sentence(`accounts.connection.${c.id}.${c.reason}`, { exchange, ...c.params, others: Number(c.params?.others ?? 0) }),
    })),
  };
  revalidatePath("/dashboard/accounts");
  return state;
});

export const testConnectionAction = runConnectionTest as (prev: ConnectionTestState, data: FormData) => Promise<ConnectionTestState>;
