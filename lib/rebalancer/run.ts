import "server-only";
import Decimal from "decimal.js";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import {
  claimRebalanceLease,
  finishRun,
  getRun,
  legOrder,
  releaseRebalanceLease,
  renewRebalanceLease,
  runOrderRows,
  setRunPlanOnce,
  startRun,
  strategyHoldings,
  unfinishedRun,
  updateRun,
} from "@/db/queries/rebalancer";
import type { ExchangeAccount, OrderRow, PlannedTrade, RebalanceRun, RebalanceRunStatus, RebalanceTrigger, Rebalancer } from "@/db/schema";
import { isFinal, resolveRow, sendRow, settle } from "@/lib/engine/lifecycle";
import { tradeBlock } from "@/lib/engine/may-trade";
import { checkOrder, clientForAccount, deterministicClientOrderId, ExchangeError, floorToStep, type ExchangeClient } from "@/lib/exchanges";
import { log } from "@/lib/logger";
import { emitSafely } from "@/lib/notifications";
import { planRebalance, valuate, type PlanMarket } from "./plan";

export const rebalanceTiming = {
  leaseMs: 2 * 60_000,
  // A leg not placed at once (a 429, a lost answer) is sent again under its client order id this long.
  sendWindowMs: 60_000,
};

export type RunOutcome = { runId: string | null; status: RebalanceRunStatus | "busy"; reason?: string };

/** Test seam: called after each leg was placed (a test throws here to play a crash mid-run). */
export type RunHooks = { afterLeg?: (leg: number) => void | Promise<void> };

const PENDING = ["sending", "unknown", "retry"];

/** The account's holdings, prices and markets for its target assets, read once. */
export async function readPortfolio(settings: Rebalancer, client: ExchangeClient) {
  const assets = settings.targets.map((t) => t.asset).filter((a) => a !== settings.quote);
  const balances = await client.balance();
  const holdings: Record<string, string> = Object.fromEntries(balances.map((b) => [b.asset, b.free]));
  // Coins the account's strategies hold (booked, or filled and not booked yet) are theirs to sell: not part of the portfolio.
  for (const { symbol, amount } of await strategyHoldings(settings.accountId)) {
    const asset = symbol.split("/")[0]!;
    if (symbol.includes(":") || !(asset in holdings)) continue;
    holdings[asset] = Decimal.max(0, new Decimal(holdings[asset]!).sub(amount)).toFixed();
  }
  const markets: Record<string, PlanMarket | undefined> = {};
  for (const asset of assets) markets[asset] = await client.market(`${asset}/${settings.quote}`).catch(() => undefined);
  const symbols = assets.filter((a) => markets[a]).map((a) => markets[a]!.symbol);
  const tickers = symbols.length ? await client.tickers(symbols) : [];
  const prices = Object.fromEntries(tickers.map((t) => [t.symbol.split("/")[0]!, t.last]));
  return { holdings, prices, markets };
}

export async function currentValuation(settings: Rebalancer, client: ExchangeClient) {
  return valuate({ quote: settings.quote, targets: settings.targets, ...(await readPortfolio(settings, client)) });
}

const feeRateOf = (account: ExchangeAccount) => account.paperFeeRate ?? "0.001";

/** Ends the run and, in the same transaction, tells its owner (a `rebalance.run` notification, once per run). */
async function finish(run: RebalanceRun, account: ExchangeAccount, status: RebalanceRunStatus, reason?: string): Promise<RunOutcome> {
  const placed = run.dryRun ? 0 : (await runOrderRows(run.id)).length;
  const trades = run.plannedTrades ?? [];
  await finishRun(run.id, { status, reason: reason ?? null }, (tx, finished) =>
    emitSafely(tx, {
      userId: finished.userId,
      type: "rebalance.run",
      dedupeKey: `rebalance.run:${finished.id}`,
      payload: {
        runId: finished.id,
        accountId: account.id,
        account: account.label,
        status,
        reason: reason ?? null,
        dry: finished.dryRun,
        planned: trades.filter((t) => !t.skip).length,
        placed,
        skipped: trades.filter((t) => t.skip).length,
      },
    }),
  );
  return { runId: run.id, status, reason };
}

/** Writes a leg's row once (its client order id derived from run and leg) and sends it, or moves an earlier attempt on. */
async function placeLeg(run: RebalanceRun, trade: PlannedTrade, amount: string, client: ExchangeClient) {
  const { row, inserted } = await legOrder({
    runId: run.id,
    leg: trade.leg,
    intent: {
      userId: run.userId,
      accountId: run.accountId,
      source: "rebalance",
      clientOrderId: deterministicClientOrderId("rebalance", run.id, String(trade.leg)),
      symbol: trade.symbol,
      side: trade.side,
      type: "market",
      amount,
      price: null,
      sendBy: new Date(Date.now() + rebalanceTiming.sendWindowMs),
    },
  });
  if (inserted) return sendRow(row, client, { referencePrice: trade.price });
  return bringUpToDate(row, client);
}

async function bringUpToDate(row: OrderRow, client: ExchangeClient) {
  if (isFinal(row.status)) return { status: "busy" as const };
  if (PENDING.includes(row.status)) return resolveRow(row, client);
  const found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
  if (found) await settle(row, found, client);
  return { status: "busy" as const };
}

/** True when every order of the run on `side` has ended (filled, canceled, expired, rejected). */
async function sideSettled(run: RebalanceRun, side: "buy" | "sell", client: ExchangeClient) {
  for (const row of (await runOrderRows(run.id)).filter((r) => r.side === side && !isFinal(r.status))) await bringUpToDate(row, client);
  return (await runOrderRows(run.id)).filter((r) => r.side === side).every((r) => isFinal(r.status));
}

/**
 * Buys sized again at the moment they go: the free quote after the sells (their fees paid) caps them, so
 * a run never spends quote it does not hold. A leg already written keeps its amount.
 */
async function buyAmounts(run: RebalanceRun, buys: PlannedTrade[], client: ExchangeClient, feeRate: string) {
  const written = new Set((await runOrderRows(run.id)).map((r) => r.runLeg));
  const fresh = buys.filter((b) => !written.has(b.leg));
  if (!fresh.length) return new Map<number, string>();
  const quote = (await client.balance()).find((b) => b.asset === run.valuation!.quote)?.free ?? "0";
  const prices = new Map<string, string>();
  for (const b of fresh) prices.set(b.symbol, (await client.ticker(b.symbol, { fresh: true })).last);
  const wanted = fresh.reduce((s, b) => s.add(new Decimal(b.amount).mul(prices.get(b.symbol)!).mul(new Decimal(feeRate).add(1))), new Decimal(0));
  const scale = wanted.gt(quote) ? new Decimal(quote).div(wanted) : new Decimal(1);
  const amounts = new Map<number, string>();
  for (const b of fresh) {
    const market = await client.market(b.symbol);
    const check = checkOrder(market, { side: "buy", type: "market", amount: floorToStep(new Decimal(b.amount).mul(scale), market.amountStep), referencePrice: prices.get(b.symbol) });
    amounts.set(b.leg, check.ok ? check.amount : "");
  }
  return amounts;
}

/** Answers false once another worker took the account's lease: the run then stops where it is. */
type KeepLease = () => Promise<boolean>;

const leaseLost = (run: RebalanceRun): RunOutcome => ({ runId: run.id, status: "busy", reason: "lease_lost" });

/**
 * Runs (or resumes) a run: plans it once, then sells, waits for them to settle, then buys. The lease is
 * renewed before the plan and before each leg, so a long run keeps it; one whose lease was taken stops.
 */
export async function executeRun(
  run: RebalanceRun,
  settings: Rebalancer,
  account: ExchangeAccount,
  client: ExchangeClient,
  hooks: RunHooks = {},
  keepLease: KeepLease = async () => true,
): Promise<RunOutcome> {
  if (run.status !== "running") return { runId: run.id, status: run.status, reason: run.reason ?? undefined };
  if (!run.dryRun) {
    const blocked = await tradeBlock(run.userId, run.accountId, "buy");
    if (blocked) return finish(run, account, "skipped", blocked);
  }
  if (!run.plannedTrades) {
    if (!(await keepLease())) return leaseLost(run);
    const plan = planRebalance({ quote: settings.quote, targets: settings.targets, minTradeQuote: settings.minTradeQuote, feeRate: feeRateOf(account), ...(await readPortfolio(settings, client)) });
    run = { ...run, ...(await setRunPlanOnce(run.id, { valuation: plan.valuation, plannedTrades: plan.trades })) };
    if (run.dryRun) return finish(run, account, "done");
  }
  const trades = run.plannedTrades!.filter((t) => !t.skip);
  for (const sell of trades.filter((t) => t.side === "sell")) {
    if (!(await keepLease())) return leaseLost(run);
    const sent = await placeLeg(run, sell, sell.amount, client);
    if (sent.status === "switched_off") return finish(run, account, "skipped", sent.reason);
    await hooks.afterLeg?.(sell.leg);
  }
  if (!(await sideSettled(run, "sell", client))) return { runId: run.id, status: "running", reason: "sells_pending" };

  const buys = trades.filter((t) => t.side === "buy");
  const amounts = await buyAmounts(run, buys, client, feeRateOf(account));
  const tooSmall: number[] = [];
  for (const buy of buys) {
    const amount = amounts.get(buy.leg) ?? buy.amount;
    if (amount === "") {
      tooSmall.push(buy.leg);
      continue;
    }
    if (!(await keepLease())) return leaseLost(run);
    const sent = await placeLeg(run, buy, amount, client);
    if (sent.status === "switched_off") return finish(run, account, "skipped", sent.reason);
    await hooks.afterLeg?.(buy.leg);
  }
  if (tooSmall.length) {
    const plannedTrades = run.plannedTrades!.map((t) => (tooSmall.includes(t.leg) ? { ...t, skip: "below_min_notional" as const } : t));
    await updateRun(run.id, { plannedTrades });
    run = { ...run, plannedTrades };
  }
  if (!(await sideSettled(run, "buy", client))) return { runId: run.id, status: "running", reason: "buys_pending" };
  const refused = (await runOrderRows(run.id)).find((r) => r.status === "rejected");
  return finish(run, account, "done", refused ? `refused:${refused.error?.code ?? "unknown"}` : undefined);
}

/**
 * Starts a run on the account (or resumes its unfinished one) under the account's lease. A second caller
 * while one runs gets `busy`; a run left by a crashed worker is resumed once its lease has lapsed.
 */
export async function rebalanceAccount(
  settings: Rebalancer,
  opts: { trigger: RebalanceTrigger; dryRun?: boolean; hooks?: RunHooks },
): Promise<RunOutcome> {
  const token = await claimRebalanceLease({ accountId: settings.accountId, leaseMs: rebalanceTiming.leaseMs });
  if (!token) return { runId: null, status: "busy" };
  const keepLease = () => renewRebalanceLease({ accountId: settings.accountId, token, leaseMs: rebalanceTiming.leaseMs });
  let ranAt: Date | undefined;
  try {
    const account = await getAccountForTrading(settings.userId, settings.accountId);
    if (!account) return { runId: null, status: "skipped", reason: "not_found" };
    const existing = await unfinishedRun(settings.accountId);
    // A dry run asked for while a live one is unfinished must not move that one on (it places orders).
    if (existing && opts.dryRun && !existing.dryRun) return { runId: existing.id, status: "busy" };
    const { run } = existing
      ? { run: existing }
      : await startRun({ userId: settings.userId, accountId: settings.accountId, trigger: opts.trigger, dryRun: opts.dryRun ?? settings.dryRun });
    if (!existing) ranAt = run.startedAt;
    if (!account.active) return finish(run, account, "skipped", "account_off");
    try {
      return await executeRun(run, settings, account, await clientForAccount(account), opts.hooks, keepLease);
    } catch (error) {
      if (error instanceof ExchangeError && !(await getRun(run.id))?.plannedTrades) {
        // Nothing was placed: the run ends with the venue's reason, the next one starts afresh.
        log({ accountId: settings.accountId, runId: run.id }).warn({ err: error }, "rebalance could not plan");
        return finish(run, account, "failed", error.code);
      }
      throw error;
    }
  } finally {
    await releaseRebalanceLease({ accountId: settings.accountId, token, ranAt });
  }
}
