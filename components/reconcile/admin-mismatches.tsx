import { getFormatter, getTranslations } from "next-intl/server";
import { OverviewSection, SectionEmpty } from "@/components/overview/section";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listAllOpenMismatches } from "@/db/queries/reconcile";
import { amountOf, mismatchCase } from "./mismatch-banner";

const SHOWN = 20;

/** The admin overview's list of open findings across users (the page checks the admin role first). */
export async function AdminMismatches({ className }: { className?: string }) {
  const [t, format, { rows, total }] = await Promise.all([getTranslations("reconcile"), getFormatter(), listAllOpenMismatches({ limit: SHOWN })]);
  return (
    <OverviewSection
      title={t("adminTitle")}
      subtitle={t("adminSubtitle")}
      aside={
        <Badge variant={total > 0 ? "warning" : "secondary"} data-testid="mismatch-count" data-count={total}>
          {t("adminCount", { count: total })}
        </Badge>
      }
      data-testid="admin-mismatches"
      className={className}
    >
      {rows.length === 0 ? (
        <SectionEmpty title={t("adminEmpty")} body={t("adminEmptyBody")} />
      ) : (
        <div className="overflow-x-auto">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>{t("col.user")}</TableHead>
                <TableHead>{t("col.account")}</TableHead>
                <TableHead>{t("col.asset")}</TableHead>
                <TableHead className="text-right">{t("col.booked")}</TableHead>
                <TableHead className="text-right">{t("col.held")}</TableHead>
                <TableHead className="text-right">{t("col.difference")}</TableHead>
                <TableHead>{t("col.since")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.id} data-testid="admin-mismatch" title={t(`action.${mismatchCase(r)}`)}>
                  <TableCell>
                    <div className="font-medium">{r.userName}</div>
                    <div className="text-xs text-muted-foreground">{r.userEmail}</div>
                  </TableCell>
                  <TableCell className="whitespace-nowrap">
                    {r.accountLabel} <span className="text-xs text-muted-foreground">· {r.exchange}</span>
                  </TableCell>
                  <TableCell className="whitespace-nowrap font-medium">{r.asset}</TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">{amountOf(r.booked, r.asset)}</TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">{amountOf(r.held, r.asset)}</TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums text-destructive">{amountOf(r.difference, r.asset, true)}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{format.dateTime(r.firstSeenAt, { dateStyle: "short", timeStyle: "short" })}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {total > rows.length ? <p className="px-4 py-2 text-xs text-muted-foreground">{t("adminMore", { shown: rows.length, total })}</p> : null}
        </div>
      )}
    </OverviewSection>
  );
}
