import { getTranslations } from "next-intl/server";
import { ScrollText } from "lucide-react";
import { z } from "zod";
import { AuditTable } from "@/components/admin/audit-table";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Pager } from "@/components/ui/pager";
import { AUDIT_GROUPS, searchAudit } from "@/db/queries/audit";
import { requirePageUser } from "@/lib/auth/session";

const PAGE_SIZE = 50;
const querySchema = z.object({
  group: z.enum(AUDIT_GROUPS).optional().catch(undefined),
  email: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

export async function generateMetadata() {
  const t = await getTranslations("audit");
  return { title: t("title") };
}

export default async function AdminAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("audit.view", "/admin/audit");
  const { group, email, page } = querySchema.parse(await searchParams);
  const t = await getTranslations("audit");
  const { rows, total } = await searchAudit({ group, email: email || undefined, page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const href = (p: number) => `/admin/audit?${new URLSearchParams({ ...(group ? { group } : {}), ...(email ? { email } : {}), page: String(p) })}`;
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <form action="/admin/audit" className="mb-4 flex flex-wrap gap-2" data-testid="audit-filters">
        <NativeSelect name="group" defaultValue={group ?? ""} aria-label={t("filterGroup")} className="h-9 w-48">
          <option value="">{t("allEvents")}</option>
          {AUDIT_GROUPS.map((g) => (
            <option key={g} value={g}>
              {t(`groups.${g}`)}
            </option>
          ))}
        </NativeSelect>
        <Input name="email" defaultValue={email} placeholder={t("filterEmail")} aria-label={t("filterEmail")} className="h-9 w-64" />
        <Button type="submit" variant="secondary" size="sm" className="h-9">
          {t("apply")}
        </Button>
      </form>
      {rows.length === 0 ? (
        <EmptyState icon={ScrollText} title={t("empty")} description={t("subtitle")} />
      ) : (
        <>
          <AuditTable rows={rows} showUsers />
          <div className="mt-3 flex items-center justify-between text-sm text-muted-foreground">
            <span>{t("total", { count: total })}</span>
            <Pager page={page} pages={pages} href={href} labels={{ previous: t("previous"), next: t("next") }} />
          </div>
        </>
      )}
    </>
  );
}
