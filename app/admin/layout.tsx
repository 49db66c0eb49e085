import { TwoFactorRequiredBanner } from "@/components/auth/two-factor-required-banner";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageUser } from "@/lib/auth/session";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser("admin.view", "/admin");
  return (
    <AppShell user={user} section="admin">
      <TwoFactorRequiredBanner user={user} />
      {children}
    </AppShell>
  );
}
