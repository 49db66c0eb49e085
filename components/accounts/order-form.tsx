"use client";

import { useMemo, useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import Decimal from "decimal.js";
import { Loader2 } from "lucide-react";
import { placeOrderAction } from "@/app/(dashboard)/dashboard/accounts/actions";
import { useStepUpAction } from "@/components/auth/reauth-dialog";
import { checkOrder, floorToStep } from "@/lib/exchanges/precision";
import type { Market } from "@/lib/exchanges/types";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

function Toggle<T extends string>({ name, value, options, onChange }: { name: string; value: T; options: { value: T; label: string; tone?: string }[]; onChange: (v: T) => void }) {
  return (
    <div className="grid grid-flow-col gap-1 rounded-lg bg-muted p-1" role="radiogroup">
      {options.map((o) => (
        <label
          key={o.value}
          className={cn(
            "cursor-pointer rounded-md px-3 py-1.5 text-center text-sm font-medium text-muted-foreground transition-colors",
            value === o.value && (o.tone ?? "bg-background text-foreground shadow-sm"),
          )}
        >
          <input type="radio" className="sr-only" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} data-testid={`${name}-${o.value}`} />
          {o.label}
        </label>
      ))}
    </div>
  );
}

export function OrderForm({ accountId, markets, prices }: { accountId: string; markets: Market[]; prices: Record<string, string> }) {
  const t = useTranslations("orders");
  // A manual order needs a recent password: the dialog asks for it and the order is sent again.
  const [state, action, actionPending, reauthDialog] = useStepUpAction(placeOrderAction);
  const [submitting, startTransition] = useTransition();
  const pending = actionPending || submitting;
  const [symbol, setSymbol] = useState(state.values?.symbol ?? (markets.find((m) => m.symbol === "BTC/USDT") ?? markets[0])?.symbol ?? "");
  const [side, setSide] = useState<"buy" | "sell">((state.values?.side as "buy") ?? "buy");
  const [type, setType] = useState<"market" | "limit">((state.values?.type as "market") ?? "market");
  const [amountIn, setAmountIn] = useState<"base" | "quote">((state.values?.amountIn as "base") ?? "base");
  const [amount, setAmount] = useState(state.values?.amount ?? "");
  const [price, setPrice] = useState(state.values?.price ?? "");
  const market = markets.find((m) => m.symbol === symbol);
  const last = prices[symbol];

  // Live validation with the same rules the server applies before sending.
  const live = useMemo(() => {
    if (!market || !amount) return null;
    try {
      const unit = type === "limit" ? price : last;
      if (amountIn === "quote" && !unit) return null;
      const base = amountIn === "quote" ? floorToStep(new Decimal(amount).div(unit!), market.amountStep) : amount;
      return checkOrder(market, { side, type, amount: base, price: type === "limit" ? price : undefined, referencePrice: last });
    } catch {
      return null;
    }
  }, [market, amount, price, type, side, amountIn, last]);

  const refusal = live && !live.ok ? t(`refusal.${live.reason}`, "min" in live ? { min: live.min } : "max" in live ? { max: live.max } : {}) : null;

  return (
    <>
      <form
        // Submitted by hand: React resets a form after an `action`, which would put the radios' DOM state
        // out of step with the toggles shown, so the next order could go out with a different type.
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => action(data));
        }}
        className="grid gap-4"
        noValidate
        data-testid="order-form"
      >
        <input type="hidden" name="accountId" value={accountId} />
        <div className="grid gap-2">
          <Label htmlFor="order-symbol">{t("market")}</Label>
          <Input id="order-symbol" data-testid="order-symbol" name="symbol" list="order-markets" value={symbol} onChange={(e) => setSymbol(e.target.value.toUpperCase())} autoComplete="off" />
          <datalist id="order-markets">
            {markets.map((m) => (
              <option key={m.symbol} value={m.symbol} />
            ))}
          </datalist>
          {market ? (
            <p className="text-xs text-muted-foreground" data-testid="market-rules">
              {t("rules", { step: market.amountStep, tick: market.priceStep, min: market.minCost ?? "—" })}
              {last ? ` · ${t("lastPrice", { price: last })}` : ""}
            </p>
          ) : symbol ? (
            <p className="text-xs text-destructive">{t("unknownMarket")}</p>
          ) : null}
          {state.errors?.symbol ? <p className="text-xs text-destructive">{state.errors.symbol.join(" ")}</p> : null}
        </div>
        <Toggle
          name="side"
          value={side}
          onChange={setSide}
          options={[
            { value: "buy", label: t("side.buy"), tone: "bg-emerald-600 text-white shadow-sm" },
            { value: "sell", label: t("side.sell"), tone: "bg-rose-600 text-white shadow-sm" },
          ]}
        />
        <Toggle
          name="type"
          value={type}
          onChange={setType}
          options={[
            { value: "market", label: t("type.market") },
            { value: "limit", label: t("type.limit") },
          ]}
        />
        {type === "limit" ? (
          <div className="grid gap-2">
            <Label htmlFor="order-price">{t("price", { quote: market?.quote ?? "" })}</Label>
            <Input id="order-price" name="price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} aria-invalid={state.errors?.price ? true : undefined} />
            {state.errors?.price ? <p className="text-xs text-destructive">{state.errors.price.join(" ")}</p> : null}
          </div>
        ) : null}
        <div className="grid gap-2">
          <div className="flex items-center justify-between gap-2">
            <Label htmlFor="order-amount">{t("amount")}</Label>
            <Toggle
              name="amountIn"
              value={amountIn}
              onChange={setAmountIn}
              options={[
                { value: "base", label: market?.base ?? t("base") },
                { value: "quote", label: market?.quote ?? t("quote") },
              ]}
            />
          </div>
          <Input id="order-amount" name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={refusal || state.errors?.amount ? true : undefined} data-testid="order-amount" />
          {refusal ? (
            <p className="text-xs text-destructive" data-testid="order-live-error">
              {refusal}
            </p>
          ) : live && live.ok ? (
            <p className="text-xs text-muted-foreground" data-testid="order-preview">
              {t("preview", { amount: live.amount, base: market?.base ?? "", cost: live.cost ? new Decimal(live.cost).toFixed(2) : "—", quote: market?.quote ?? "" })}
            </p>
          ) : null}
          {state.errors?.amount && !refusal ? <p className="text-xs text-destructive" data-testid="order-amount-error">{state.errors.amount.join(" ")}</p> : null}
        </div>
        <Button type="submit" disabled={pending || Boolean(refusal) || !market} className={cn(side === "buy" ? "bg-emerald-600 hover:bg-emerald-600/90" : "bg-rose-600 hover:bg-rose-600/90", "text-white")} data-testid="order-submit">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {t(side === "buy" ? "submitBuy" : "submitSell", { base: market?.base ?? "" })}
        </Button>
        {state.message && !state.errors ? (
          <p role="status" className={cn("text-sm", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="order-feedback">
            {state.message}
          </p>
        ) : null}
      </form>
      {/* Outside the form: a submit inside the dialog's portal would bubble to the order's onSubmit. */}
      {reauthDialog}
    </>
  );
}
