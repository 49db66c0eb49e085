"use client";

import { useActionState, useState } from "react";
import { useStepUpAction } from "@/components/auth/reauth-dialog";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { changeRoleAction, setDisabledAction } from "@/app/admin/users/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";

/** An action's answer in one line: its message, else its first field error. */
export function Feedback({ state, testId = "row-feedback", className }: { state: ActionState; testId?: string; className?: string }) {
  const text = state.message ?? Object.values(state.errors ?? {})[0]?.[0];
  if (!text) return null;
  return (
    <p role="status" data-testid={testId} className={cn("mt-1 text-xs", state.ok ? "text-emerald-600" : "text-destructive", className)}>
      {text}
    </p>
  );
}

export function RoleForm({ userId, name, role }: { userId: string; name: string; role: number }) {
  const t = useTranslations();
  // A role change needs a recent password: the dialog asks for it and applies the change again.
  const [state, action, pending, reauthDialog] = useStepUpAction(changeRoleAction);
  // A pick belongs to the role it was made against: once the saved role changes, the select shows the new one.
  const [pick, setPick] = useState<{ role: number; value: string } | null>(null);
  const value = pick?.role === role ? pick.value : String(role);
  const setValue = (next: string) => setPick({ role, value: next });
  return (
    <>
      {reauthDialog}
      <form key={role} action={action} className="min-w-[12rem]">
        <input type="hidden" name="userId" value={userId} />
        <div className="flex items-center gap-2">
          <NativeSelect
            name="role"
            aria-label={t("admin.roleFor", { name })}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className="h-8 w-40"
            data-testid="role-select"
          >
            {[1, 2, 3, 0].map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}` as "roles.1")}
              </option>
            ))}
          </NativeSelect>
          <Button type="submit" size="sm" variant="outline" disabled={pending || value === String(role)} data-testid="apply-role">
            {pending ? <Loader2 className="animate-spin" /> : null}
            {t("admin.applyRole")}
          </Button>
        </div>
        <Feedback state={state} />
      </form>
    </>
  );
}

export function DisableToggle({ userId, name, disabled }: { userId: string; name: string; disabled: boolean }) {
  const t = useTranslations();
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await setDisabledAction(prev, data);
    setOpen(false);
    return result;
  }, {});
  const next = !disabled;
  return (
    <div>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button size="sm" variant={disabled ? "outline" : "ghost"} className={cn(!disabled && "text-destructive hover:text-destructive")} data-testid="toggle-disabled">
            {disabled ? t("admin.enable") : t("admin.disable")}
          </Button>
        </DialogTrigger>
        <DialogContent closeLabel={t("common.close")}>
          <DialogHeader>
            <DialogTitle>{t(next ? "admin.confirmDisableTitle" : "admin.confirmEnableTitle", { name })}</DialogTitle>
            <DialogDescription>{t(next ? "admin.confirmDisableBody" : "admin.confirmEnableBody")}</DialogDescription>
          </DialogHeader>
          <form action={action}>
            <input type="hidden" name="userId" value={userId} />
            <input type="hidden" name="disabled" value={String(next)} />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {t("common.cancel")}
                </Button>
              </DialogClose>
              <Button type="submit" variant={next ? "destructive" : "default"} disabled={pending} data-testid="confirm-toggle">
                {pending ? <Loader2 className="animate-spin" /> : null}
                {next ? t("admin.disable") : t("admin.enable")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      <Feedback state={state} />
    </div>
  );
}
