import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Pnl } from "@/components/orders/pnl";
import { Card, CardContent } from "@/components/ui/card";

interface Counts {
  strategies: number;
  activeStrategies: number;
  openOrders: number;
}

function Amounts({ sums, testId }: { sums: { quote: string; amount: string }[]; testId: string }) {
  const shown = sums.length ? sums : [{ quote: "USDT", amount: "0" }];
  return (
    <span className="flex flex-wrap gap-x-3" data-testid={testId}>
      {shown.map((s) => (
        <span key={s.quote} className="whitespace-nowrap">
          <Pnl value={s.amount} /> <span className="text-sm font-normal text-muted-foreground">{s.quote}</span>
        </span>
      ))}
    </span>
  );
}

type Sums = { quote: string; amount: string }[];

/** The day's and all-time realised P&L (the fill ledger's, as on Statistics), open orders and strategies, each linking to its page. */
export async function SummaryTiles({ counts, today, allTime }: { counts: Counts; today: Sums; allTime: Sums }) {
  const t = await getTranslations("dashboard");
  const to = await getTranslations("overview");
  const tiles = [
    { key: "today", label: to("todayRealized"), hint: to("todayRealizedHint"), value: <Amounts sums={today} testId="realized-today" />, href: "/dashboard/statistics" },
    {
      key: "realized",
      label: t("tiles.realized"),
      value: <Amounts sums={allTime} testId="realized-total" />,
      href: "/dashboard/statistics",
    },
    { key: "orders", label: t("tiles.openOrders"), value: String(counts.openOrders), href: "/dashboard/orders" },
    { key: "strategies", label: t("tiles.strategies"), value: t("tiles.activeOf", { active: counts.activeStrategies, total: counts.strategies }), href: "/dashboard/strategies" },
  ];
  return (
    <ul className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4" data-testid="overview-tiles">
      {tiles.map((tile) => (
        <li key={tile.key} className="min-w-0">
          <Link href={tile.href} className="block h-full" title={tile.hint}>
            <Card className="h-full transition-shadow hover:shadow-md">
              <CardContent className="grid gap-1 p-4">
                <p className="text-xs font-medium text-muted-foreground">{tile.label}</p>
                <div className="text-lg font-semibold tabular-nums sm:text-xl">{tile.value}</div>
              </CardContent>
            </Card>
          </Link>
        </li>
      ))}
    </ul>
  );
}
