import { AppShell } from '@/components/layout/app-shell';
import { requireUser } from '@/lib/session';
import { getTheme } from '@/lib/theme-server';

// The shell only: each page checks its own permission; this layout is never the security gate.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const [user, theme] = await Promise.all([requireUser(), getTheme()]);
  return (
    <AppShell user={user} theme={theme}>
      {children}
    </AppShell>
  );
}
