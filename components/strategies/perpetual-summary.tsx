import Decimal from "decimal.js";
import { getTranslations } from "next-intl/server";
import { formatDecimal } from "@/components/orders/order-history";
import { Pnl } from "@/components/orders/pnl";
import { Badge } from "@/components/ui/badge";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { fundingOf } from "@/lib/engine/funding";
import { clientForAccount } from "@/lib/exchanges";

async function contractSizeOf(userId: string, accountId: string, symbol: string): Promise<string | null> {
  try {
    const account = await getAccountForTrading(userId, accountId);
    if (!account) return null;
    return (await (await clientForAccount(account)).market(symbol)).contractSize;
  } catch {
    return null;
  }
}

/** A perpetual strategy's side, leverage, size in contracts and base, and the funding it has paid or received. */
export async function PerpetualSummary(props: { userId: string; strategyId: string; accountId: string; symbol: string; held: string; leverage: number; marginMode: "isolated" | "cross" }) {
  const t = await getTranslations("perpetuals.page");
  const [contractSize, funding] = await Promise.all([contractSizeOf(props.userId, props.accountId, props.symbol), fundingOf(props.strategyId)]);
  const held = new Decimal(props.held);
  const side = held.gt(0) ? "long" : held.lt(0) ? "short" : "flat";
  const contracts = contractSize ? formatDecimal(held.abs().div(contractSize).toFixed()) : "—";
  const cells: [string, React.ReactNode, string][] = [
    [t("side"), <Badge key="side" variant={side === "long" ? "success" : side === "short" ? "destructive" : "secondary"}>{t(side)}</Badge>, "perp-side"],
    [t("leverage"), t("leverageValue", { leverage: props.leverage, mode: props.marginMode }), "perp-leverage"],
    [t("size"), t("sizeValue", { contracts, base: formatDecimal(held.abs().toFixed()), asset: props.symbol.split("/")[0] ?? "" }), "perp-size"],
    [t("funding"), <Pnl key="funding" value={funding} />, "perp-funding"],
  ];
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="perpetual-summary" data-side={side}>
      {cells.map(([label, value, id]) => (
        <div key={id} className="min-w-0 rounded-lg border p-3" title={id === "perp-funding" ? t("fundingHint") : undefined}>
          <div className="text-xs text-muted-foreground">{label}</div>
          <div className="text-sm font-semibold tabular-nums wrap-anywhere" data-testid={id}>
            {value}
          </div>
        </div>
      ))}
    </div>
  );
}
