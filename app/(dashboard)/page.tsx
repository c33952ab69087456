import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { getEventCounts, listRecentEvents } from '@/db/queries/overview';
import { countUsersByRole } from '@/db/queries/users';
import { DASHBOARD_ACTIONS } from '@/lib/audit/types';
import { ROLE_LABELS, ROLES } from '@/lib/authz';
import { formatCount } from '@/lib/format';
import { LocalTime } from '@/components/ui/local-time';
import { requirePermission } from '@/lib/session';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  await requirePermission('events:read');
  const [counts, byRole, recent] = await Promise.all([
    getEventCounts(),
    countUsersByRole(),
    listRecentEvents(10),
  ]);
  const activeUsers = byRole.reduce((sum, r) => sum + r.active, 0);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <section aria-label="Headline figures" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Figure label="Audit events recorded" value={counts.total} testId="events-total" />
        <Figure label="Events in the last 24 hours" value={counts.last24h} testId="events-24h" />
        <Figure
          label="Failed actions in the last 24 hours"
          value={counts.failures24h}
          testId="failures-24h"
        />
        <Figure label="Active users" value={activeUsers} testId="users-active" />
      </section>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Latest events</CardTitle>
          </CardHeader>
          <CardContent>
            {recent.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                No events yet. Events appear here as soon as anyone signs in or a source sends them.
              </p>
            ) : (
              <table className="w-full text-sm">
                <thead className="text-left text-muted-foreground">
                  <tr>
                    <th className="py-2 font-medium">Time</th>
                    <th className="py-2 font-medium">Actor</th>
                    <th className="py-2 font-medium">Action</th>
                    <th className="py-2 font-medium">Target</th>
                  </tr>
                </thead>
                <tbody>
                  {recent.map((e) => (
                    <tr key={e.id} className="border-t">
                      <td className="py-2 font-mono text-xs whitespace-nowrap">
                        <LocalTime iso={e.occurredAt.toISOString()} withSeconds={false} />
                      </td>
                      <td className="py-2">{e.actorName ?? e.actorEmail ?? 'anonymous'}</td>
                      <td className="py-2">
                        <span title={e.action}>
                          {DASHBOARD_ACTIONS[e.action as keyof typeof DASHBOARD_ACTIONS] ??
                            e.action}
                        </span>{' '}
                        {e.outcome === 'failure' ? (
                          <Badge variant="destructive">failed</Badge>
                        ) : null}
                      </td>
                      <td className="py-2">{e.targetLabel ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Users by role</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="space-y-2 text-sm">
              {ROLES.map((role) => {
                const row = byRole.find((r) => r.role === role);
                return (
                  <div key={role} className="flex justify-between">
                    <dt>{ROLE_LABELS[role]}</dt>
                    <dd className="font-mono" data-testid={`users-${role}`}>
                      {formatCount(row?.active ?? 0)}
                      {row && row.total > row.active ? (
                        <span className="text-muted-foreground">
                          {' '}
                          (+{row.total - row.active} inactive)
                        </span>
                      ) : null}
                    </dd>
                  </div>
                );
              })}
            </dl>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{label}</CardTitle>
      </CardHeader>
      <CardContent>
        <p className="text-3xl font-semibold tabular-nums" data-testid={testId}>
          {formatCount(value)}
        </p>
      </CardContent>
    </Card>
  );
}
