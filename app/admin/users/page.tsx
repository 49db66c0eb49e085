import { getFormatter, getTranslations } from "next-intl/server";
import { Search, Users } from "lucide-react";
import { PendingApprovals } from "@/components/admin/pending-approvals";
import { DisableToggle, RoleForm } from "@/components/admin/user-row-actions";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Pager } from "@/components/ui/pager";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listPendingUsers, listUsers } from "@/db/queries/users";
import { requirePageUser } from "@/lib/auth/session";
import { userListQuerySchema } from "@/lib/validations/admin";

const PAGE_SIZE = 20;
const PENDING_SHOWN = 50;

export async function generateMetadata() {
  const t = await getTranslations("admin");
  return { title: t("usersTitle") };
}

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePageUser("users.manage", "/admin/users");
  const { q, page } = userListQuerySchema.parse(await searchParams);
  const t = await getTranslations();
  const format = await getFormatter();
  const [{ rows, total }, pending] = await Promise.all([listUsers({ q, page, pageSize: PAGE_SIZE }), listPendingUsers({ limit: PENDING_SHOWN })]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const href = (p: number) => `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;

  return (
    <>
      <PageHeader title={t("admin.usersTitle")} subtitle={t("admin.usersSubtitle")} />
      <section id="pending" aria-labelledby="pending-title" className="mb-8 scroll-mt-20" data-testid="pending-approvals">
        <div className="mb-1 flex flex-wrap items-center gap-2">
          <h2 id="pending-title" className="text-lg font-semibold tracking-tight">
            {t("admin.pendingTitle")}
          </h2>
          {pending.total > 0 ? (
            <Badge variant="warning" data-testid="pending-count">
              {pending.total}
            </Badge>
          ) : null}
        </div>
        <p className="mb-4 text-sm text-muted-foreground">{t("admin.pendingSubtitle")}</p>
        <PendingApprovals
          rows={pending.rows.map((u) => ({
            id: u.id,
            name: u.name,
            email: u.email,
            verified: u.emailVerifiedAt !== null,
            registeredAt: u.createdAt.toISOString(),
            registered: format.relativeTime(u.createdAt),
            registeredFull: format.dateTime(u.createdAt, { dateStyle: "medium", timeStyle: "short" }),
          }))}
          more={pending.total > pending.rows.length ? t("admin.pendingMore", { shown: pending.rows.length, total: pending.total }) : undefined}
        />
      </section>

      <form role="search" className="mb-4 flex gap-2" action="/admin/users">
        <div className="relative flex-1 sm:max-w-sm">
          <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input name="q" defaultValue={q} placeholder={t("admin.searchPlaceholder")} aria-label={t("admin.searchPlaceholder")} className="pl-9" />
        </div>
        <Button type="submit" variant="secondary">
          {t("common.search")}
        </Button>
      </form>

      {rows.length === 0 ? (
        <EmptyState icon={Users} title={t("admin.noUsers", { q: q ?? "" })} description={t("admin.usersSubtitle")} />
      ) : (
        <Card className="overflow-hidden">
          <Table data-testid="users-table">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>{t("admin.colUser")}</TableHead>
                <TableHead>{t("admin.colRole")}</TableHead>
                <TableHead>{t("admin.colStatus")}</TableHead>
                <TableHead className="hidden lg:table-cell">{t("admin.colJoined")}</TableHead>
                <TableHead className="hidden lg:table-cell">{t("admin.colLastLogin")}</TableHead>
                <TableHead className="text-right">{t("admin.colActions")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((u) => (
                <TableRow key={u.id} data-testid="user-row" data-email={u.email}>
                  <TableCell>
                    <div className="min-w-40 font-medium wrap-anywhere">
                      {u.name}
                      {u.id === me.id ? (
                        <Badge variant="outline" className="ml-2">
                          {t("admin.you")}
                        </Badge>
                      ) : null}
                    </div>
                    <div className="text-xs text-muted-foreground wrap-anywhere">{u.email}</div>
                  </TableCell>
                  <TableCell>
                    <RoleForm userId={u.id} name={u.name} role={u.role} />
                  </TableCell>
                  <TableCell>
                    <Badge variant={u.disabled ? "destructive" : u.role === 1 ? "warning" : "success"} data-testid="user-status">
                      {u.disabled ? t("admin.disabled") : u.role === 1 ? t("admin.statPending") : t("admin.active")}
                    </Badge>
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap text-muted-foreground lg:table-cell">
                    {format.dateTime(u.createdAt, { dateStyle: "medium" })}
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap text-muted-foreground lg:table-cell">
                    {u.lastLoginAt ? format.relativeTime(u.lastLoginAt) : t("admin.never")}
                  </TableCell>
                  <TableCell className="text-right">
                    <DisableToggle userId={u.id} name={u.name} disabled={u.disabled} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className="flex items-center justify-between border-t px-4 py-3 text-sm text-muted-foreground">
            <span>{t("admin.totalUsers", { count: total })}</span>
            <Pager page={page} pages={pages} href={href} labels={{ previous: t("common.previous"), next: t("common.next"), pageOf: t("common.pageOf", { page, pages }) }} />
          </div>
        </Card>
      )}
    </>
  );
}
