import { getFormatter, getTranslations } from "next-intl/server";
import { OverviewSection, SectionEmpty } from "@/components/overview/section";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listActiveVenueBans } from "@/db/queries/venue-bans";
import { exchangeInfo } from "@/lib/exchanges/catalog";

/** Exchanges that ban one of our outbound addresses just now, and until when (the page checks the admin role). */
export async function VenueBans({ className }: { className?: string }) {
  const [t, format, bans] = await Promise.all([getTranslations("admin.venueBans"), getFormatter(), listActiveVenueBans()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "short", timeStyle: "medium" });
  return (
    <OverviewSection
      title={t("title")}
      subtitle={t("subtitle")}
      aside={
        <Badge variant={bans.length > 0 ? "destructive" : "secondary"} data-testid="venue-ban-count" data-count={bans.length}>
          {t("count", { count: bans.length })}
        </Badge>
      }
      data-testid="venue-bans"
      className={className}
    >
      {bans.length === 0 ? (
        <SectionEmpty title={t("empty")} body={t("emptyBody")} />
      ) : (
        <div className="overflow-x-auto">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>{t("venue")}</TableHead>
                <TableHead>{t("egress")}</TableHead>
                <TableHead>{t("since")}</TableHead>
                <TableHead>{t("until")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {bans.map((b) => (
                <TableRow key={`${b.venue}:${b.egress}`} data-testid="venue-ban" data-venue={b.venue}>
                  <TableCell className="whitespace-nowrap font-medium">
                    {exchangeInfo(b.venue)?.name ?? b.venue} <span className="text-xs text-muted-foreground">· {t("status", { status: b.status })}</span>
                  </TableCell>
                  <TableCell className="whitespace-nowrap font-mono text-xs">{b.egress}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">
                    <time dateTime={b.since.toISOString()}>{when(b.since)}</time>
                  </TableCell>
                  <TableCell className="whitespace-nowrap">
                    <time dateTime={b.until.toISOString()}>{when(b.until)}</time>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </OverviewSection>
  );
}
