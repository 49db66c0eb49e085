import { AppShell } from "@/components/shell/app-shell";
import { TradingSwitch } from "@/components/strategies/switches";
import { getTradingState } from "@/db/queries/strategies";
import { SETUP_PERMISSION } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // The set-up permission: the layout also wraps the 2FA set-up page; every page below checks its own.
  const user = await requirePageUser(SETUP_PERMISSION, "/dashboard");
  const trading = await getTradingState(user.id);
  return (
    <AppShell user={user} section="dashboard" headerExtra={<TradingSwitch enabled={trading.enabled} keepsExits={trading.keepsExits} />}>
      {children}
    </AppShell>
  );
}
