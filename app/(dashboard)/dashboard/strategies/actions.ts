"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import {
  deleteStrategy,
  getSymbolSwitch,
  getTradingState,
  getUserStrategy,
  insertStrategy,
  setSymbolSwitch,
  setTradingEnabled,
  updateStrategy,
} from "@/db/queries/strategies";
import { signals, strategies } from "@/db/schema";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { requireRecentAuth } from "@/lib/auth/step-up";
import { cancelOpenOrders } from "@/lib/engine/kill";
import { notifyStrategyStopped } from "@/lib/notifications/engine-events";
import { sendTestSignal } from "@/lib/engine/test-signal";
import { AppError } from "@/lib/errors";
import { clientForAccount, ExchangeError } from "@/lib/exchanges";
import { requestMeta } from "@/lib/request";
import {
  strategyIdSchema,
  strategySchema,
  symbolSwitchSchema,
  testSignalSchema,
  toggleStrategySchema,
  tradingSwitchSchema,
} from "@/lib/validations/strategies";

const VENUE_NAMES: Record<string, string> = { bybit: "Bybit", okx: "OKX", bitget: "Bitget", paper: "Paper" };

const fieldError = (field: string, message: string): ActionState => ({ errors: { [field]: [message] } });

export const createStrategyAction = validatedActionWithUser("trading.manage", strategySchema, async (data, { user, t }) => {
  const db = await getDb();
  const [signal] = await db.select({ id: signals.id }).from(signals).where(and(eq(signals.id, data.signalId), eq(signals.enabled, true)));
  if (!signal) return fieldError("signalId", t("validation.signalRequired"));
  const account = await getAccountForTrading(user.id, data.accountId);
  if (!account) return fieldError("accountId", t("validation.accountInvalid"));
  // Perpetual take-profit and stop-loss rest on the venue as conditional orders closing the position:
  // Binance USDT-M only so far; elsewhere perpetual exits come from signals (reduceOnly).
  if (!account.spot && account.exchange !== "binance" && (data.takeProfitPct || data.stopLossPct)) {
    return fieldError(data.takeProfitPct ? "takeProfitPct" : "stopLossPct", t("validation.perpProtectionUnsupported", { venue: VENUE_NAMES[account.exchange] ?? account.exchange }));
  }
  // Those conditional orders close the venue's whole position on the symbol, which is the account's, not
  // the strategy's: a perpetual take-profit or stop-loss is only for a strategy alone on its symbol.
  if (!account.spot) {
    const others = await db
      .select({ takeProfitPct: strategies.takeProfitPct, stopLossPct: strategies.stopLossPct })
      .from(strategies)
      .where(and(eq(strategies.userId, user.id), eq(strategies.accountId, account.id), eq(strategies.symbol, data.symbol)));
    const protectedNow = others.some((o) => o.takeProfitPct || o.stopLossPct);
    if (others.length > 0 && (data.takeProfitPct || data.stopLossPct || protectedNow)) {
      return fieldError(data.takeProfitPct || data.stopLossPct ? (data.takeProfitPct ? "takeProfitPct" : "stopLossPct") : "symbol", t("validation.perpProtectionShared"));
    }
  }
  const client = await clientForAccount(account);
  try {
    await client.market(data.symbol);
  } catch (error) {
    if (error instanceof ExchangeError && error.code === "invalid_order") {
      return fieldError("symbol", t("validation.symbolNotOffered"));
    }
    throw error;
  }
  const strategy = await insertStrategy({
    userId: user.id,
    name: data.name,
    signalId: data.signalId,
    accountId: data.accountId,
    symbol: data.symbol,
    followBuy: data.followBuy,
    followSell: data.followSell,
    followClose: data.followClose,
    followCancel: data.followCancel,
    sizingMode: data.sizingMode,
    sizingValue: data.sizingValue,
    orderType: data.orderType,
    limitOffsetPct: data.limitOffsetPct,
    takeProfitPct: data.takeProfitPct ?? null,
    stopLossPct: data.stopLossPct ?? null,
    maxOpenOrders: data.maxOpenOrders ?? null,
    maxPosition: data.maxPosition ?? null,
    enabled: data.enabled,
    // The account's market type decides: leverage, margin mode and shorts are for perpetuals only.
    ...(account.spot ? {} : { leverage: data.leverage, marginMode: data.marginMode, allowShorts: data.allowShorts }),
  });
  const meta = await requestMeta();
  await writeAudit({ action: "strategy.created", userId: user.id, actorId: user.id, detail: { name: strategy.name, symbol: strategy.symbol }, ...meta });
  revalidatePath("/dashboard/strategies");
  redirect(`/dashboard/strategies?open=${strategy.id}#strategy-${strategy.id}`);
});

/** "Stop everything" cancels what the switch covers; the message says what happened to open orders. */
async function stopMessage(t: (key: string, values?: Record<string, string | number>) => string, result: { canceled: number; failed: number }) {
  return " " + t("strategies.canceledOpen", result) + " " + t("strategies.nowUnprotected");
}

/**
 * Leaving "stop everything" (back on, or to a pause, which then resumes in one click) needs a recent
 * password (step-up); pausing, stopping and resuming a pause do not.
 */
async function stepUpIfLeavingStop(userId: string, current: { enabled: boolean; keepsExits: boolean }, keepsExits: boolean) {
  if (!current.enabled && !current.keepsExits && keepsExits) await requireRecentAuth(userId);
}

export const toggleStrategyAction = validatedActionWithUser("trading.manage", toggleStrategySchema, async (data, { user, t }) => {
  const keepsExits = data.enabled || data.mode === "pause";
  const current = await getUserStrategy(user.id, data.strategyId);
  if (!current) throw new AppError("not_found", "Strategy not found");
  await stepUpIfLeavingStop(user.id, current, keepsExits);
  // Switched off: the event is written in the transaction of the change.
  const updated = await updateStrategy(user.id, data.strategyId, { enabled: data.enabled, keepsExits }, data.enabled
    ? undefined
    : (tx, row) => notifyStrategyStopped(tx, { userId: user.id, scope: "strategy", strategy: row.name, reason: "user", changeId: `${row.id}:${row.updatedAt.toISOString()}` }));
  if (!updated) throw new AppError("not_found", "Strategy not found");
  let message = t(data.enabled ? "strategies.turnedOn" : keepsExits ? "strategies.turnedOffPaused" : "strategies.turnedOff", { name: updated.name });
  if (!keepsExits) message += await stopMessage(t, await cancelOpenOrders(user.id, { strategyId: updated.id }));
  revalidatePath("/dashboard/strategies");
  return { ok: true, message };
});

export const deleteStrategyAction = validatedActionWithUser("trading.manage", strategyIdSchema, async (data, { user }) => {
  const removed = await deleteStrategy(user.id, data.strategyId);
  if (!removed) throw new AppError("not_found", "Strategy not found");
  revalidatePath("/dashboard/strategies");
  redirect("/dashboard/strategies");
});

export const symbolSwitchAction = validatedActionWithUser("trading.manage", symbolSwitchSchema, async (data, { user, t }) => {
  const keepsExits = data.enabled || data.mode === "pause";
  await stepUpIfLeavingStop(user.id, await getSymbolSwitch(user.id, data.symbol), keepsExits);
  await setSymbolSwitch(user.id, data.symbol, data.enabled, keepsExits, data.enabled
    ? undefined
    : (tx) => notifyStrategyStopped(tx, { userId: user.id, scope: "symbol", strategy: data.symbol, reason: "kill_switch", changeId: `${user.id}:${data.symbol}:${Date.now()}` }));
  const meta = await requestMeta();
  await writeAudit({ action: data.enabled ? "switch.symbol_on" : "switch.symbol_off", userId: user.id, actorId: user.id, detail: { symbol: data.symbol, mode: data.enabled ? "on" : data.mode }, ...meta });
  let message = t(data.enabled ? "strategies.symbolOn" : keepsExits ? "strategies.symbolPausedDone" : "strategies.symbolOff", { symbol: data.symbol });
  if (!keepsExits) message += await stopMessage(t, await cancelOpenOrders(user.id, { symbol: data.symbol }));
  revalidatePath("/dashboard/strategies");
  return { ok: true, message };
});

export const tradingSwitchAction = validatedActionWithUser("trading.manage", tradingSwitchSchema, async (data, { user, t }) => {
  const keepsExits = data.enabled || data.mode === "pause";
  await stepUpIfLeavingStop(user.id, await getTradingState(user.id), keepsExits);
  await setTradingEnabled(user.id, data.enabled, keepsExits, data.enabled
    ? undefined
    : (tx) => notifyStrategyStopped(tx, { userId: user.id, scope: "all", strategy: "", reason: "kill_switch", changeId: `${user.id}:all:${Date.now()}` }));
  const meta = await requestMeta();
  await writeAudit({ action: data.enabled ? "switch.trading_on" : "switch.trading_off", userId: user.id, actorId: user.id, detail: { mode: data.enabled ? "on" : data.mode }, ...meta });
  let message = t(data.enabled ? "strategies.tradingOn" : keepsExits ? "strategies.tradingPaused" : "strategies.tradingOff");
  if (!keepsExits) message += await stopMessage(t, await cancelOpenOrders(user.id));
  revalidatePath("/dashboard", "layout");
  return { ok: true, message };
});

export const testSignalAction = validatedActionWithUser("trading.manage", testSignalSchema, async (data, { user, t }) => {
  const strategy = await getUserStrategy(user.id, data.strategyId);
  if (!strategy) throw new AppError("not_found", "Strategy not found");
  const result = await sendTestSignal({ userId: user.id, strategy, action: data.action, price: data.price });
  revalidatePath("/dashboard/strategies");
  if (!result.ok) return { ok: false, message: t(`strategies.test.${result.reason}`) };
  const execution = result.execution;
  return {
    ok: execution?.outcome === "sent",
    message: execution
      ? execution.outcome === "skipped"
        ? t("strategies.test.skipped", { reason: t(`strategies.skip.${execution.reason ?? "unknown"}` as "strategies.skip.unknown") })
        : t("strategies.test.result", { outcome: t(`strategies.outcome.${execution.outcome}` as "strategies.outcome.sent") })
      : t("strategies.test.pending"),
  };
});
