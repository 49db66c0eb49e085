import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { AlertTriangle, Inbox } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DELIVERY_OUTCOMES, listDeliveryGroups } from "@/db/queries/signals";
import { DELIVERY_RANGES, deliveriesHref, rangeStart, type DeliveryFilters } from "@/app/admin/signals/search-params";
import { ScrollToHash } from "./scroll-to-hash";

const DELIVERY_PAGE_SIZE = 25;

const outcomeVariant = (outcome: string) => (outcome === "accepted" ? "success" : outcome === "duplicate" ? "secondary" : "destructive");

/** The admin's delivery log: repeats folded into one row, filtered and paged through the address. */
export async function DeliveryLog({ filters, ignored, signalNames }: { filters: DeliveryFilters; ignored: string[]; signalNames: string[] }) {
  const t = await getTranslations("signals");
  const format = await getFormatter();
  const { rows, hasOlder, hasNewer } = await listDeliveryGroups({
    signalName: filters.signal,
    outcome: filters.outcome,
    since: rangeStart(filters.range, new Date()),
    before: filters.before,
    after: filters.after,
    limit: DELIVERY_PAGE_SIZE,
  });
  const base = { signal: filters.signal, outcome: filters.outcome, range: filters.range };
  const filtered = Boolean(filters.signal || filters.outcome || filters.range);
  const paged = Boolean(filters.before || filters.after);
  const time = (d: Date) => format.dateTime(d, { dateStyle: "short", timeStyle: "medium" });
  const action = (d: { action: string | null; symbol: string | null }) => [d.action, d.symbol].filter(Boolean).join(" ") || "—";

  return (
    <Card id="deliveries" className="scroll-mt-20">
      <ScrollToHash id="deliveries" />
      <CardHeader>
        <CardTitle>{t("deliveries")}</CardTitle>
        <CardDescription>{t("deliveriesBody")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {rows.length === 0 && !filtered && !paged ? null : <FilterForm filters={filters} signalNames={signalNames} />}

        {ignored.length > 0 ? (
          <Alert variant="info" data-testid="delivery-filter-notice">
            <AlertTriangle />
            <span>{t("ignoredParams", { params: ignored.join(", ") })}</span>
          </Alert>
        ) : null}

        {rows.length === 0 ? (
          <EmptyState
            icon={Inbox}
            className="py-10"
            title={paged ? t("pageGoneTitle") : filtered ? t("noMatchTitle") : t("noDeliveries")}
            description={paged ? t("pageGoneBody") : filtered ? t("noMatchBody") : t("noDeliveriesBody")}
          >
            {paged || filtered ? (
              <Button asChild variant="outline" size="sm">
                <Link href={deliveriesHref(paged ? base : {})}>{paged ? t("newest") : t("clearFilters")}</Link>
              </Button>
            ) : null}
          </EmptyState>
        ) : (
          <>
            <Table data-testid="deliveries">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>{t("colTime")}</TableHead>
                  <TableHead className="hidden sm:table-cell">{t("colSignal")}</TableHead>
                  <TableHead className="hidden sm:table-cell">{t("colAction")}</TableHead>
                  <TableHead>{t("colOutcome")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((d) => (
                  <TableRow key={d.lastId} data-testid="delivery" data-outcome={d.outcome} data-count={d.count} data-signal={d.signalName}>
                    <TableCell className="align-top sm:align-middle">
                      <div className="whitespace-nowrap">{time(d.lastAt)}</div>
                      {d.count > 1 ? <div className="whitespace-nowrap text-xs text-muted-foreground">{t("firstAt", { time: time(d.firstAt) })}</div> : null}
                      {/* On a phone the signal and action sit under the time: two columns fit without scrolling. */}
                      <div className="mt-1 text-xs wrap-anywhere sm:hidden">
                        <span className="font-medium">{d.signalName}</span> · {action(d)}
                      </div>
                    </TableCell>
                    <TableCell className="hidden font-medium wrap-anywhere sm:table-cell">{d.signalName}</TableCell>
                    <TableCell className="hidden whitespace-nowrap sm:table-cell">{action(d)}</TableCell>
                    <TableCell className="align-top sm:align-middle">
                      <div className="flex flex-wrap items-center gap-1.5">
                        <Badge variant={outcomeVariant(d.outcome)}>{t.has(`outcome.${d.outcome}`) ? t(`outcome.${d.outcome}` as "outcome.accepted") : d.outcome}</Badge>
                        {d.count > 1 ? (
                          <Badge variant="outline" className="tabular-nums" title={t("repeatsTitle", { count: d.count })} data-testid="delivery-count">
                            ×{d.count}
                          </Badge>
                        ) : null}
                      </div>
                      {d.reason ? <div className="mt-1 max-w-sm text-xs text-muted-foreground wrap-anywhere">{d.reason}</div> : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {hasNewer || hasOlder ? (
              <div className="flex flex-col gap-3 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between">
                <span className="max-w-prose">{t("groupedNote")}</span>
                <div className="flex shrink-0 gap-2">
                  <Button asChild variant="outline" size="sm" aria-disabled={!hasNewer} className={hasNewer ? "" : "pointer-events-none opacity-50"}>
                    <Link href={deliveriesHref({ ...base, after: rows[0]!.lastId })} data-testid="deliveries-newer">
                      {t("newer")}
                    </Link>
                  </Button>
                  <Button asChild variant="outline" size="sm" aria-disabled={!hasOlder} className={hasOlder ? "" : "pointer-events-none opacity-50"}>
                    <Link href={deliveriesHref({ ...base, before: rows.at(-1)!.lastId })} data-testid="deliveries-older">
                      {t("older")}
                    </Link>
                  </Button>
                </div>
              </div>
            ) : (
              <p className="text-sm text-muted-foreground">{t("groupedNote")}</p>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}

/** Signal, outcome and time range, sent as the address's query (a GET form: the view can be bookmarked). */
async function FilterForm({ filters, signalNames }: { filters: DeliveryFilters; signalNames: string[] }) {
  const t = await getTranslations("signals");
  const filtered = Boolean(filters.signal || filters.outcome || filters.range);
  return (
    <form action="/admin/signals#deliveries" className="grid gap-2 sm:flex sm:flex-wrap sm:items-end" data-testid="delivery-filters">
      <NativeSelect name="signal" defaultValue={filters.signal ?? ""} aria-label={t("filterSignal")} className="sm:w-48">
        <option value="">{t("allSignals")}</option>
        {/* A name from the address that no longer exists stays selected, so the form shows the filter in force. */}
        {[...new Set([...signalNames, ...(filters.signal ? [filters.signal] : [])])].map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect name="outcome" defaultValue={filters.outcome ?? ""} aria-label={t("filterOutcome")} className="sm:w-44">
        <option value="">{t("allOutcomes")}</option>
        {DELIVERY_OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {t(`outcome.${o}`)}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect name="range" defaultValue={filters.range ?? ""} aria-label={t("filterRange")} className="sm:w-44">
        <option value="">{t("allTime")}</option>
        {DELIVERY_RANGES.map((r) => (
          <option key={r} value={r}>
            {t(`range.${r}`)}
          </option>
        ))}
      </NativeSelect>
      <div className="flex gap-2">
        <Button type="submit" variant="secondary" className="flex-1 sm:flex-none" data-testid="apply-delivery-filters">
          {t("applyFilters")}
        </Button>
        {filtered ? (
          <Button asChild variant="ghost" className="flex-1 sm:flex-none">
            <Link href={deliveriesHref({})}>{t("clearFilters")}</Link>
          </Button>
        ) : null}
      </div>
    </form>
  );
}
