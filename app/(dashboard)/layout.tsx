import { AppShell } from '@/components/layout/app-shell';
import { requireUser } from '@/lib/session';

// The shell only: each page checks its own permission; this layout is never the security gate.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return <AppShell user={user}>{children}</AppShell>;
}
