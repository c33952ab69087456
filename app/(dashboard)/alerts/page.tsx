import type { Metadata } from 'next';
import Link from 'next/link';
import { countAlertsByStatus, listAlerts, listAssignees } from '@/db/queries/alerts';
import { DISPOSITION_LABELS, type Disposition } from '@/lib/alerts/triage';
import {
  DEFAULT_FILTERS,
  type AlertFilters as Filters,
  type StatusFilter,
} from '@/lib/alerts/filters';
import { can } from '@/lib/authz';
import { formatCount } from '@/lib/format';
import { requirePermission } from '@/lib/session';
import { cn } from '@/lib/utils';
import { AlertFilters } from './_components/alert-filters';
import { AlertsTable } from './_components/alerts-table';
import { alertsHref, parseAlertsSearchParams, STATUS_TABS } from './search-params';

export const metadata: Metadata = { title: 'Alerts' };

type Counts = Awaited<ReturnType<typeof countAlertsByStatus>>;

function countFor(status: StatusFilter, c: Counts): number {
  if (status === 'active') return c.open + c.acknowledged;
  if (status === 'all') return c.open + c.acknowledged + c.resolved;
  return c[status];
}

function StatusTabs({ filters, counts }: { filters: Filters; counts: Counts }) {
  return (
    <nav aria-label="Status" className="flex flex-wrap gap-1 border-b">
      {STATUS_TABS.map((tab) => {
        const current = filters.status === tab.value;
        return (
          <Link
            key={tab.value}
            href={alertsHref({ ...filters, status: tab.value })}
            aria-current={current ? 'page' : undefined}
            data-status={tab.value}
            className={cn(
              '-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-muted-foreground hover:text-foreground',
              current && 'border-primary font-medium text-foreground',
            )}
          >
            {tab.label}{' '}
            <span className="tabular-nums" data-testid={`count-${tab.value}`}>
              {formatCount(countFor(tab.value, counts))}
            </span>
          </Link>
        );
      })}
    </nav>
  );
}

/** The empty queue says whether the filters hide alerts or there are none, and what to do. */
function EmptyQueue({
  filters,
  words,
  canManageRules,
}: {
  filters: Filters;
  words: string;
  canManageRules: boolean;
}) {
  const narrowed = (['severity', 'rule', 'assignee', 'actor', 'age', 'snoozed'] as const).some(
    (key) => filters[key] !== DEFAULT_FILTERS[key],
  );
  const waiting = filters.status !== 'resolved' && filters.status !== 'all';
  return (
    <div className="space-y-1">
      <p>{`No ${words ? `${words} ` : ''}alerts match these filters.`}</p>
      {narrowed ? (
        <p>Change the filters above, or clear them to see every alert with this status.</p>
      ) : (
        <p>
          {waiting ? 'Nothing is waiting for review. ' : ''}The detection rules raise alerts as
          events arrive;{' '}
          {canManageRules ? (
            <Link href="/admin/rules" className="text-primary underline underline-offset-4">
              review the rules
            </Link>
          ) : (
            'an admin or compliance officer can review them on the Rules page'
          )}{' '}
          to change what they look for.
        </p>
      )}
    </div>
  );
}

export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePermission('alerts:read');
  const canTriage = can(user.role, 'alerts:triage');
  const params = await searchParams;
  const state = parseAlertsSearchParams(params);
  const heading = (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Alerts</h1>
      <p className="text-sm text-muted-foreground">
        What the detection rules raised, newest first. Every triage step is recorded in the audit
        log.
      </p>
    </div>
  );
  if (!state.ok) {
    return (
      <div className="space-y-4">
        {heading}
        <div className="space-y-2 rounded-lg border border-destructive/40 bg-card p-4">
          <p role="alert" className="text-sm text-destructive" data-testid="filter-error">
            {state.error}
          </p>
          <Link href="/alerts" className="text-sm text-primary hover:underline">
            Clear filters
          </Link>
        </div>
      </div>
    );
  }
  const { filters, page } = state;
  const [list, counts, assignees] = await Promise.all([
    listAlerts(filters, user.id, page),
    countAlertsByStatus(filters, user.id),
    listAssignees(),
  ]);
  const words = STATUS_TABS.find((t) => t.value === filters.status)!.words;
  const viewKey = alertsHref(filters, page);
  return (
    <div className="space-y-4">
      {heading}
      <AlertFilters
        key={viewKey}
        filters={filters}
        assignees={assignees.map((a) => ({ id: a.id, name: a.name }))}
      />
      <StatusTabs filters={filters} counts={counts} />
      <AlertsTable
        // A new view starts with nothing selected.
        key={`table-${viewKey}`}
        rows={list.rows}
        filters={filters}
        total={countFor(filters.status, counts)}
        older={list.older}
        newer={list.newer}
        now={new Date().toISOString()}
        empty={
          <EmptyQueue
            filters={filters}
            words={words}
            canManageRules={can(user.role, 'rules:manage')}
          />
        }
        canTriage={canTriage}
        assignees={assignees.map((a) => ({ id: a.id, name: a.name }))}
        dispositions={(Object.entries(DISPOSITION_LABELS) as [Disposition, string][]).map(
          ([value, label]) => ({ value, label }),
        )}
      />
    </div>
  );
}
