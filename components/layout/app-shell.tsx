import Link from 'next/link';
import { signOutAction } from '@/app/(dashboard)/actions';
import { Button } from '@/components/ui/button';
import { can, ROLE_LABELS, type Permission } from '@/lib/authz';
import type { SessionUser } from '@/lib/sign-in';
import type { Theme } from '@/lib/theme';
import { NavLink } from './nav-link';
import { ThemeSwitch } from './theme-switch';

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: '/', label: 'Overview', permission: 'events:read' },
  { href: '/events', label: 'Events', permission: 'events:read' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts:read' },
  { href: '/integrity', label: 'Integrity', permission: 'events:read' },
  { href: '/evidence', label: 'Evidence', permission: 'evidence:export' },
  { href: '/admin/rules', label: 'Rules', permission: 'rules:manage' },
  { href: '/admin/sources', label: 'Sources', permission: 'sources:manage' },
  { href: '/admin/users', label: 'Users', permission: 'users:manage' },
];

export function AppShell({
  user,
  theme,
  children,
}: {
  user: SessionUser;
  theme: Theme;
  children: React.ReactNode;
}) {
  const items = NAV.filter((item) => can(user.role, item.permission));
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="border-b bg-card">
        <div className="mx-auto flex min-h-14 max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <Link href="/" className="rounded-sm font-semibold tracking-tight">
            WhoChanged
          </Link>
          <nav aria-label="Main" className="flex flex-1 flex-wrap items-center gap-1">
            {items.map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <ThemeSwitch initial={theme} />
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
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
