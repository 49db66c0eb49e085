import { getFormatter, getTranslations } from "next-intl/server";
import { AUDIT_TONE } from "@/components/admin/audit-tones";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export interface AuditRow {
  id: number;
  action: string;
  detail: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  userEmail?: string | null;
  actorEmail?: string | null;
}

function describeDetail(detail: Record<string, unknown> | null) {
  if (!detail) return "";
  return Object.entries(detail)
    // Row ids (a device's uuid) mean nothing to a reader; browser, OS and country say which device.
    .filter(([k, v]) => k !== "device" && v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(" · ");
}

/** The audit trail: who, what, from where. Used by the admin page and by a user's own security page. */
export async function AuditTable({ rows, showUsers }: { rows: AuditRow[]; showUsers: boolean }) {
  const t = await getTranslations("audit");
  const format = await getFormatter();
  return (
    <div className="overflow-x-auto rounded-lg border">
      <Table data-testid="audit-table">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>{t("colTime")}</TableHead>
            <TableHead>{t("colEvent")}</TableHead>
            {showUsers ? <TableHead>{t("colUser")}</TableHead> : null}
            <TableHead className="hidden md:table-cell">{t("colFrom")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.id} data-testid="audit-row" data-action={r.action}>
              <TableCell className="whitespace-nowrap text-muted-foreground">{format.dateTime(r.createdAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
              <TableCell>
                <Badge variant={AUDIT_TONE[r.action] ?? "secondary"}>{t.has(`actions.${r.action}`) ? t(`actions.${r.action}` as "actions.login.success") : r.action}</Badge>
                <div className="mt-1 max-w-md truncate text-xs text-muted-foreground">{describeDetail(r.detail)}</div>
              </TableCell>
              {showUsers ? (
                <TableCell className="text-xs">
                  <div>{r.userEmail ?? "—"}</div>
                  {r.actorEmail && r.actorEmail !== r.userEmail ? <div className="text-muted-foreground">{t("by", { actor: r.actorEmail })}</div> : null}
                </TableCell>
              ) : null}
              <TableCell className="hidden max-w-xs text-xs text-muted-foreground md:table-cell">
                <div>{r.ip ?? "—"}</div>
                <div className="truncate">{r.userAgent ?? ""}</div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
