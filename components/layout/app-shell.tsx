import Link from 'next/link';
import { signOutAction } from '@/app/(dashboard)/actions';
import { Button } from '@/components/ui/button';
import { can, ROLE_LABELS, type Permission } from '@/lib/authz';
import type { SessionUser } from '@/lib/sign-in';
import { NavLink } from './nav-link';

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: '/', label: 'Overview', permission: 'events:read' },
  { href: '/events', label: 'Events', permission: 'events:read' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts:read' },
  { href: '/admin/rules', label: 'Rules', permission: 'rules:manage' },
  { href: '/admin/sources', label: 'Sources', permission: 'sources:manage' },
  { href: '/admin/users', label: 'Users', permission: 'users:manage' },
];

export function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const items = NAV.filter((item) => can(user.role, item.permission));
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b bg-card">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4">
          <Link href="/" className="font-semibold tracking-tight">
            WhoChanged
          </Link>
          <nav aria-label="Main" className="flex flex-1 items-center gap-1">
            {items.map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <div className="text-right leading-tight">
              <div className="font-medium" data-testid="current-user-name">
                {user.name}
              </div>
              <div className="text-xs text-muted-foreground" data-testid="current-user-role">
                {ROLE_LABELS[user.role]}
              </div>
            </div>
            <form action={signOutAction}>
              <Button type="submit" variant="outline" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">{children}</main>
    </div>
  );
}
