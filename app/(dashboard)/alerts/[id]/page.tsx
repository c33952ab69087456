import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Fragment } from 'react';
import { ChangeDiff } from '@/components/events/change-diff';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalTime } from '@/components/ui/local-time';
import {
  getAlert,
  listAlertEvents,
  listAlertHistory,
  listAssignees,
  listRelatedAlerts,
  listSurroundingActivity,
} from '@/db/queries/alerts';
import type { EventRow } from '@/db/queries/events';
import { DISPOSITION_LABELS, type Disposition } from '@/lib/alerts/triage';
import { can } from '@/lib/authz';
import { formatCount } from '@/lib/format';
import { requirePermission } from '@/lib/session';
import { AlertHistory } from '../_components/alert-history';
import { SeverityBadge, StatusBadge } from '../_components/badges';
import { DetailsList } from '../_components/details-list';
import { TriagePanel } from '../_components/triage-panel';
import { ruleLabel } from '../labels';

export const metadata: Metadata = { title: 'Alert' };

const recordHref = (type: string, id: string) =>
  `/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
const actorHref = (id: string) => `/actors/${encodeURIComponent(id)}`;

function EventActor({ event }: { event: EventRow }) {
  const a = event.actor;
  const shown = a.name ?? a.email ?? a.id ?? a.type;
  return a.id ? (
    <Link href={actorHref(a.id)} className="font-medium hover:underline">
      {shown}
    </Link>
  ) : (
    <span className="font-medium">{shown}</span>
  );
}

function EventTarget({ event }: { event: EventRow }) {
  const t = event.target;
  if (!t.type || !t.id) return t.label ? <span>{t.label}</span> : null;
  return (
    <Link href={recordHref(t.type, t.id)} className="hover:underline">
      {t.label ?? `${t.type}/${t.id}`}
    </Link>
  );
}

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission('alerts:read');
  const raw = (await params).id;
  if (!/^\d{1,15}$/.test(raw)) notFound();
  const alert = await getAlert(Number(raw));
  if (!alert) notFound();
  const canTriage = can(user.role, 'alerts:triage');

  const [events, surrounding, related, history, assignees] = await Promise.all([
    listAlertEvents(alert.id),
    listSurroundingActivity(alert),
    listRelatedAlerts(alert),
    listAlertHistory(alert.id),
    listAssignees(),
  ]);
  const people = new Map(assignees.map((a) => [a.id, a.name]));
  const triggering = new Set(events.rows.map((e) => e.id));
  const now = new Date().toISOString();
  const snoozed = alert.snoozedUntil && alert.snoozedUntil > now ? alert.snoozedUntil : null;
  // A prepared export of the alert's person (else its record) over the alert's events (the
  // period's end is exclusive: a second past the last one).
  const evidenceScope: Record<string, string> = alert.actorId
    ? { person: alert.actorId }
    : alert.targetType && alert.targetId
      ? { record: `${alert.targetType}/${alert.targetId}` }
      : {};
  const evidencePeriod = {
    from: alert.firstEventAt,
    to: new Date(Date.parse(alert.lastEventAt) + 1000).toISOString(),
  };
  const evidenceHref = can(user.role, 'evidence:export')
    ? `/evidence?${new URLSearchParams({ ...evidenceScope, ...evidencePeriod })}`
    : null;

  const facts: [string, React.ReactNode][] = [
    ['Status', <StatusBadge key="s" status={alert.status} />],
    [
      'Disposition',
      alert.disposition
        ? (DISPOSITION_LABELS[alert.disposition as Disposition] ?? alert.disposition)
        : '—',
    ],
    ['Ticket', alert.ticket ?? '—'],
    ['Assignee', alert.assigneeName ?? 'Nobody'],
    ['Snoozed until', snoozed ? <LocalTime key="z" iso={snoozed} withSeconds={false} /> : '—'],
    [
      'Person',
      alert.actorId ? (
        <Link key="p" href={actorHref(alert.actorId)} className="hover:underline">
          {alert.actorName ?? alert.actorEmail ?? alert.actorId}
        </Link>
      ) : (
        (alert.actorName ?? alert.actorEmail ?? '—')
      ),
    ],
    [
      'Target',
      alert.targetType && alert.targetId ? (
        <Link
          key="t"
          href={recordHref(alert.targetType, alert.targetId)}
          className="hover:underline"
        >
          {alert.targetLabel ?? `${alert.targetType}/${alert.targetId}`}
        </Link>
      ) : (
        (alert.targetLabel ?? '—')
      ),
    ],
    [
      'Events',
      <span key="e">
        {formatCount(alert.eventCount)}, <LocalTime iso={alert.firstEventAt} /> to{' '}
        <LocalTime iso={alert.lastEventAt} />
      </span>,
    ],
    ['Raised', <LocalTime key="r" iso={alert.createdAt} />],
  ];

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link href="/alerts" className="text-sm text-primary hover:underline">
          ← Alert queue
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            Alert #{alert.id}: {ruleLabel(alert.rule)}
          </h1>
          <SeverityBadge severity={alert.severity} />
          <code className="text-xs text-muted-foreground">{alert.rule}</code>
          {evidenceHref ? (
            <Link href={evidenceHref} className="text-sm text-primary hover:underline">
              Export evidence
            </Link>
          ) : null}
        </div>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Why it fired</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <p className="whitespace-pre-wrap" data-testid="alert-summary">
              {alert.summary}
            </p>
            <DetailsList details={alert.details ?? {}} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>State</CardTitle>
          </CardHeader>
          <CardContent>
            <dl
              className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-sm"
              data-testid="alert-state"
            >
              {facts.map(([k, v]) => (
                <Fragment key={k}>
                  <dt className="text-muted-foreground">{k}</dt>
                  <dd className="break-words">{v}</dd>
                </Fragment>
              ))}
            </dl>
          </CardContent>
        </Card>
      </div>

      {canTriage ? (
        <TriagePanel
          alert={{
            id: alert.id,
            version: alert.version,
            status: alert.status,
            assigneeId: alert.assigneeId,
            snoozedUntil: alert.snoozedUntil,
          }}
          assignees={assignees.map((a) => ({ id: a.id, name: a.name }))}
          dispositions={(Object.entries(DISPOSITION_LABELS) as [Disposition, string][]).map(
            ([value, label]) => ({ value, label }),
          )}
          now={now}
        />
      ) : null}

      <section aria-labelledby="events-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-3">
          <h2 id="events-heading" className="text-lg font-semibold">
            Triggering events
          </h2>
          <p className="text-sm text-muted-foreground" data-testid="events-shown">
            Showing {formatCount(events.rows.length)} of {formatCount(alert.eventCount)}
          </p>
        </div>
        {events.rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">No linked events are stored.</p>
        ) : (
          <ol className="space-y-3" aria-label="Triggering events">
            {events.rows.map((e) => (
              <li key={e.id} className="rounded-lg border bg-card p-4" data-event-id={e.id}>
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                  <LocalTime iso={e.occurredAt} />
                  <EventActor event={e} />
                  <code className="text-xs">{e.action}</code>
                  <EventTarget event={e} />
                  {e.actor.ip ? (
                    <span className="font-mono text-xs text-muted-foreground">
                      from {e.actor.ip}
                    </span>
                  ) : null}
                  {e.outcome === 'failure' ? <Badge variant="destructive">failed</Badge> : null}
                  <span className="text-xs text-muted-foreground">{e.source}</span>
                </div>
                {e.changes.length ? (
                  <div className="mt-2">
                    <ChangeDiff changes={e.changes} />
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="activity-heading" className="space-y-3">
          <h2 id="activity-heading" className="text-lg font-semibold">
            The person&apos;s activity around it
          </h2>
          <p className="text-sm text-muted-foreground">
            An hour either side of the alert&apos;s events; those behind the alert are marked.
          </p>
          {surrounding.rows.length === 0 ? (
            <p className="text-sm text-muted-foreground">No other activity by this person.</p>
          ) : (
            <ol
              className="divide-y rounded-lg border bg-card text-sm"
              aria-label="Surrounding activity"
            >
              {surrounding.rows.map((e) => (
                <li
                  key={e.id}
                  className="flex flex-wrap items-baseline gap-x-3 px-3 py-1.5"
                  data-event-id={e.id}
                  data-trigger={triggering.has(e.id) || undefined}
                >
                  <LocalTime iso={e.occurredAt} />
                  <code className="text-xs">{e.action}</code>
                  <EventTarget event={e} />
                  {e.changes.length ? (
                    <span className="text-xs text-muted-foreground">
                      {e.changes
                        .slice(0, 4)
                        .map((c) => c.field)
                        .join(', ')}
                      {e.changes.length > 4 ? ` +${e.changes.length - 4}` : ''}
                    </span>
                  ) : null}
                  {triggering.has(e.id) ? <Badge variant="outline">in this alert</Badge> : null}
                </li>
              ))}
            </ol>
          )}
        </section>

        <section aria-labelledby="related-heading" className="space-y-3">
          <h2 id="related-heading" className="text-lg font-semibold">
            Related alerts
          </h2>
          {related.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No other alerts about this person or these events.
            </p>
          ) : (
            <ul className="divide-y rounded-lg border bg-card text-sm" aria-label="Related alerts">
              {related.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-2 px-3 py-2">
                  <Link href={`/alerts/${r.id}`} className="font-mono text-xs hover:underline">
                    #{r.id}
                  </Link>
                  <SeverityBadge severity={r.severity} />
                  <span>{ruleLabel(r.rule)}</span>
                  <StatusBadge status={r.status} />
                  <Link href={`/alerts/${r.id}`} className="line-clamp-1 flex-1 hover:underline">
                    {r.summary}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <AlertHistory rows={history} people={people} />
    </div>
  );
}
