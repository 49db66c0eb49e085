"use client";

import { useActionState, useState, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { useTranslations } from "next-intl";
import { Check, Loader2, UserCheck, X } from "lucide-react";
import { approveUserAction, declineUserAction } from "@/app/admin/users/actions";
import { Feedback } from "@/components/admin/user-row-actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

/** One waiting account, with its times already formatted on the server (no hydration drift). */
export type PendingRow = {
  id: string;
  name: string;
  email: string;
  verified: boolean;
  registeredAt: string;
  registered: string;
  registeredFull: string;
};

function SubmitButton({ label, ariaLabel, testId, icon, variant, disabled }: {
  label: string;
  ariaLabel?: string;
  testId: string;
  icon: ReactNode;
  variant: "default" | "destructive";
  disabled: boolean;
}) {
  // Pending for this form only: the other rows' buttons show no spinner.
  const { pending } = useFormStatus();
  return (
    <Button type="submit" size="sm" variant={variant} disabled={disabled || pending} aria-label={ariaLabel} data-testid={testId}>
      {pending ? <Loader2 className="animate-spin" /> : icon}
      {label}
    </Button>
  );
}

/**
 * The waiting list's rows with Approve and Decline (which asks first), or its empty state; one answer
 * line above them, which stays when the last row leaves the list.
 */
export function PendingApprovals({ rows, more }: { rows: PendingRow[]; more?: string }) {
  const t = useTranslations();
  const [declining, setDeclining] = useState<PendingRow | null>(null);
  const [state, action, busy] = useActionState<ActionState, FormData>(async (prev, data) => {
    const decide = data.get("decision") === "decline" ? declineUserAction : approveUserAction;
    const result = await decide(prev, data);
    setDeclining(null);
    return result;
  }, {});

  return (
    <>
      <Feedback state={state} testId="approval-feedback" className="mb-2 text-sm" />
      {rows.length === 0 ? (
        <div data-testid="pending-empty">
          <EmptyState icon={UserCheck} title={t("admin.pendingEmptyTitle")} description={t("admin.pendingEmptyBody")} className="py-8" />
        </div>
      ) : (
        <Card className="overflow-hidden">
          <ul className="divide-y" data-testid="pending-list">
            {rows.map((row) => (
              <li key={row.id} data-testid="pending-user" data-email={row.email} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="font-medium wrap-anywhere">{row.name}</p>
                  <p className="text-sm text-muted-foreground wrap-anywhere">{row.email}</p>
                  <div className="mt-1.5 flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                    <time dateTime={row.registeredAt} title={row.registeredFull}>
                      {t("admin.registered", { time: row.registered })}
                    </time>
                    <Badge variant={row.verified ? "success" : "warning"} data-testid="pending-verified" data-verified={row.verified}>
                      {row.verified ? t("admin.emailVerified") : t("admin.emailUnverified")}
                    </Badge>
                  </div>
                </div>
                <div className="flex shrink-0 gap-2">
                  <form action={action}>
                    <input type="hidden" name="userId" value={row.id} />
                    <input type="hidden" name="decision" value="approve" />
                    <SubmitButton
                      label={t("admin.approve")}
                      ariaLabel={t("admin.approveFor", { name: row.name })}
                      testId="approve-user"
                      icon={<Check />}
                      variant="default"
                      disabled={busy}
                    />
                  </form>
                  <Button
                    type="button"
                    size="sm"
                    variant="outline"
                    className="text-destructive hover:text-destructive"
                    disabled={busy}
                    aria-label={t("admin.declineFor", { name: row.name })}
                    onClick={() => setDeclining(row)}
                    data-testid="decline-user"
                  >
                    <X />
                    {t("admin.decline")}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
          {more ? <p className="border-t px-4 py-3 text-sm text-muted-foreground">{more}</p> : null}
        </Card>
      )}

      <Dialog open={declining !== null} onOpenChange={(open) => (open ? null : setDeclining(null))}>
        <DialogContent closeLabel={t("common.close")}>
          <DialogHeader>
            <DialogTitle>{t("admin.confirmDeclineTitle", { name: declining?.name ?? "" })}</DialogTitle>
            <DialogDescription>{t("admin.confirmDeclineBody")}</DialogDescription>
          </DialogHeader>
          <form action={action}>
            <input type="hidden" name="userId" value={declining?.id ?? ""} />
            <input type="hidden" name="decision" value="decline" />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {t("common.cancel")}
                </Button>
              </DialogClose>
              <SubmitButton label={t("admin.decline")} testId="confirm-decline" icon={<X />} variant="destructive" disabled={busy} />
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
