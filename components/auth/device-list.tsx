"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, CheckCircle2, Loader2, Monitor } from "lucide-react";
import { revokeDeviceAction } from "@/lib/auth/device-actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";

export type DeviceView = {
  id: string;
  status: "pending" | "trusted" | "declined" | "revoked";
  name: string;
  where: string;
  lastSeen: string;
  current: boolean;
};

const TONE = { pending: "warning", trusted: "success", declined: "destructive", revoked: "secondary" } as const;

export function DeviceList({ devices }: { devices: DeviceView[] }) {
  const t = useTranslations("devices");
  const [state, action, pending] = useActionState(revokeDeviceAction, {});
  if (devices.length === 0) return <EmptyState icon={Monitor} title={t("empty")} description={t("description")} />;
  return (
    <div className="grid gap-3">
      {state.message ? (
        <Alert variant={state.ok ? "success" : "destructive"} data-testid="form-message" aria-live="polite">
          {state.ok ? <CheckCircle2 /> : <AlertCircle />}
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <ul className="grid gap-3" data-testid="device-list">
        {devices.map((d) => (
          <li key={d.id}>
            <Card data-testid="device-row" data-status={d.status} data-current={d.current ? "true" : "false"}>
              <CardContent className="flex flex-wrap items-center gap-3 p-4">
                <Monitor className="size-5 shrink-0 text-muted-foreground" />
                <div className="grid min-w-0 flex-1 gap-0.5">
                  <p className="flex flex-wrap items-center gap-2 font-medium">
                    <span className="truncate">{d.name}</span>
                    {d.current ? <Badge variant="outline" data-testid="current-device">{t("current")}</Badge> : null}
                    <Badge variant={TONE[d.status]}>{t(`status.${d.status}`)}</Badge>
                  </p>
                  <p className="text-xs text-muted-foreground">
                    {d.where} · {d.lastSeen}
                  </p>
                </div>
                {d.status === "trusted" || d.status === "pending" ? (
                  <RevokeButton device={d} action={action} pending={pending} />
                ) : null}
              </CardContent>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}

function RevokeButton({ device, action, pending }: { device: DeviceView; action: (data: FormData) => void; pending: boolean }) {
  const t = useTranslations("devices");
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" className="text-destructive hover:text-destructive" data-testid="revoke-device">
          {t("revoke")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("cancel")}>
        <DialogHeader>
          <DialogTitle>{t("revokeTitle")}</DialogTitle>
          <DialogDescription>
            {t("revokeBody", { device: device.name })} {device.current ? t("revokeCurrent") : null}
          </DialogDescription>
        </DialogHeader>
        <form
          action={(data) => {
            setOpen(false);
            action(data);
          }}
        >
          <input type="hidden" name="deviceId" value={device.id} />
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                {t("cancel")}
              </Button>
            </DialogClose>
            <Button type="submit" variant="destructive" disabled={pending} data-testid="confirm-revoke">
              {pending ? <Loader2 className="animate-spin" /> : null}
              {t("confirmRevoke")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
