import { getTranslations } from "next-intl/server";
import { ArrowDown, CheckCircle2, Radio } from "lucide-react";
import { Badge } from "@/components/ui/badge";

const ORDERS = [
  { venue: "Binance", symbol: "BTC/USDT", amount: "0.015", status: "filled" },
  { venue: "Bybit", symbol: "BTC/USDT", amount: "0.010", status: "filled" },
  { venue: "OKX", symbol: "BTC/USDT", amount: "0.020", status: "open" },
] as const;

/** A still picture of the product at work: one signal in, one order per strategy out. Decorative. */
export async function ProductPreview() {
  const t = await getTranslations();
  return (
    <div aria-hidden="true" className="relative mx-auto w-full max-w-md lg:mx-0">
      <div className="absolute -inset-y-6 inset-x-0 -z-10 rounded-[2rem] bg-[radial-gradient(closest-side,_oklch(0.9_0.06_264),_transparent)] opacity-70" />
      <div className="rounded-xl border bg-card p-4 shadow-sm">
        <div className="flex items-center justify-between gap-3">
          <div className="flex min-w-0 items-center gap-2 text-sm font-medium">
            <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-primary/10 text-primary">
              <Radio className="size-4" />
            </span>
            <span className="truncate">{t("landing.previewSignal")}</span>
          </div>
          <Badge variant="success">{t("signals.outcome.accepted")}</Badge>
        </div>
        <pre className="mt-3 overflow-hidden rounded-md bg-muted px-3 py-2 font-mono text-[11px] leading-relaxed text-muted-foreground sm:text-xs">
          <span className="text-foreground">POST</span> /api/webhooks/signals/btc-trend{"\n"}
          {'{ "action": "buy", "symbol": "BTCUSDT" }'}
        </pre>
      </div>
      <div className="flex justify-center py-2 text-muted-foreground">
        <ArrowDown className="size-4" />
      </div>
      <div className="rounded-xl border bg-card shadow-sm">
        <div className="flex items-center justify-between border-b px-4 py-3">
          <span className="text-sm font-medium">{t("landing.previewOrders")}</span>
          <span className="text-right text-xs text-muted-foreground">{t("landing.previewLatency")}</span>
        </div>
        <ul className="divide-y">
          {ORDERS.map((o) => (
            <li key={o.venue} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
              <div className="min-w-0">
                <div className="font-medium">{o.venue}</div>
                <div className="text-xs text-muted-foreground">
                  {t("landing.previewBuy")} {o.amount} {o.symbol}
                </div>
              </div>
              <Badge variant={o.status === "filled" ? "success" : "secondary"}>{t(`orders.status.${o.status}`)}</Badge>
            </li>
          ))}
        </ul>
        <div className="flex items-center gap-2 border-t px-4 py-2.5 text-xs text-muted-foreground">
          <CheckCircle2 className="size-3.5 shrink-0 text-emerald-600" />
          {t("landing.previewProtected")}
        </div>
      </div>
    </div>
  );
}
