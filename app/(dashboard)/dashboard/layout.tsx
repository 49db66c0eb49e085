import { AppShell } from "@/components/shell/app-shell";
import { TradingSwitch } from "@/components/strategies/switches";
import { getTradingState } from "@/db/queries/strategies";
import { requirePageUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser("dashboard.view", "/dashboard");
  const trading = await getTradingState(user.id);
  return (
    <AppShell user={user} section="dashboard" headerExtra={<TradingSwitch enabled={trading.enabled} keepsExits={trading.keepsExits} />}>
      {children}
    </AppShell>
  );
}
