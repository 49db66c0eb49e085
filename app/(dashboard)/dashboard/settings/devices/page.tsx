import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ArrowLeft } from "lucide-react";
import { DeviceList } from "@/components/auth/device-list";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { auth } from "@/lib/auth/auth";
import { listDevices } from "@/lib/auth/devices";
import { requirePageUser } from "@/lib/auth/session";

const PATH = "/dashboard/settings/devices";

export async function generateMetadata() {
  const t = await getTranslations("devices");
  return { title: t("title") };
}

export default async function DevicesPage() {
  const user = await requirePageUser("dashboard.view", PATH);
  const t = await getTranslations("devices");
  const tt = await getTranslations("twoFactor");
  const format = await getFormatter();
  const current = (await auth())?.deviceId ?? null;
  const devices = await listDevices(user.id);
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("description")}>
        <Button asChild variant="outline" size="sm">
          <Link href="/dashboard/settings">
            <ArrowLeft />
            {tt("back")}
          </Link>
        </Button>
      </PageHeader>
      <DeviceList
        devices={devices.map((d) => ({
          id: d.id,
          status: d.status,
          name: `${d.browser ?? "?"} · ${d.os ?? "?"}`,
          where: t("from", { country: d.country === "unknown" ? "—" : d.country, ip: d.ip ?? "—" }),
          lastSeen: t("lastSeen", { time: format.relativeTime(d.lastSeenAt, new Date()) }),
          current: d.id === current,
        }))}
      />
    </>
  );
}
