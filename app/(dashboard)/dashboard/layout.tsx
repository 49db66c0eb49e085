import { AppShell } from "@/components/shell/app-shell";
import { requirePageUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser("dashboard.view", "/dashboard");
  return (
    <AppShell user={user} section="dashboard">
      {children}
    </AppShell>
  );
}
