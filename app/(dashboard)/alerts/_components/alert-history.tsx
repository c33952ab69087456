import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { LocalTime } from '@/components/ui/local-time';
import type { EventRow } from '@/db/queries/events';
import { DISPOSITION_LABELS } from '@/lib/alerts/triage';
import { DASHBOARD_ACTIONS, type DashboardAction } from '@/lib/audit/types';

const VERBS: Record<string, string> = {
  'alert.raise': 'raised the alert',
  'alert.acknowledge': 'acknowledged',
  'alert.assign': 'changed the assignee',
  'alert.resolve': 'resolved',
  'alert.reopen': 'reopened',
  'alert.comment': 'commented',
  'alert.snooze': 'changed the snooze',
  'alert.triage_refused': 'was refused',
};

const FIELD_LABELS: Record<string, string> = {
  status: 'Status',
  disposition: 'Disposition',
  ticket: 'Ticket',
  assignee: 'Assignee',
  snoozed_until: 'Snoozed until',
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function FieldValue({
  field,
  value,
  people,
}: {
  field: string;
  value: unknown;
  people: Map<string, string>;
}) {
  if (value === null || value === undefined)
    return <span className="text-muted-foreground">none</span>;
  if (typeof value !== 'string') return <code className="text-xs">{JSON.stringify(value)}</code>;
  if (field === 'assignee') return <>{people.get(value) ?? value}</>;
  if (field === 'disposition')
    return <>{DISPOSITION_LABELS[value as keyof typeof DISPOSITION_LABELS] ?? value}</>;
  if (ISO_INSTANT.test(value)) return <LocalTime iso={value} withSeconds={false} />;
  return <>{value}</>;
}

/**
 * The alert's history: its audit events (target alert/<id>), oldest first, each with who acted,
 * what changed, and the comment, note or refusal message (the event's `reason`).
 */
export function AlertHistory({ rows, people }: { rows: EventRow[]; people: Map<string, string> }) {
  return (
    <section aria-labelledby="history-heading" className="space-y-3">
      <h2 id="history-heading" className="text-lg font-semibold">
        History
      </h2>
      {rows.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nobody has acted on this alert yet.</p>
      ) : (
        <ol className="space-y-2" aria-label="History">
          {rows.map((e) => {
            const who = e.actor.name ?? e.actor.email ?? e.actor.id ?? e.actor.type;
            const bulk = e.metadata.bulk === true;
            const attempted =
              typeof e.metadata.attempted === 'string' ? e.metadata.attempted : null;
            return (
              <li
                key={e.id}
                className="rounded-lg border bg-card p-3 text-sm"
                data-action={e.action}
                data-event-id={e.id}
              >
                <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
                  <LocalTime iso={e.occurredAt} />
                  {e.actor.id && e.actor.type === 'user' ? (
                    <Link
                      href={`/actors/${encodeURIComponent(e.actor.id)}`}
                      className="font-medium hover:underline"
                    >
                      {who}
                    </Link>
                  ) : (
                    <span className="font-medium">{who}</span>
                  )}
                  <span>
                    {VERBS[e.action] ?? DASHBOARD_ACTIONS[e.action as DashboardAction] ?? e.action}
                    {attempted ? ` to ${attempted}` : ''}
                  </span>
                  {e.outcome === 'failure' ? <Badge variant="destructive">refused</Badge> : null}
                  {bulk ? (
                    <Badge variant="outline">
                      bulk
                      {typeof e.metadata.selected === 'number'
                        ? `, ${e.metadata.selected} selected`
                        : ''}
                    </Badge>
                  ) : null}
                  <code className="text-xs text-muted-foreground">{e.action}</code>
                </div>
                {e.changes.length ? (
                  <ul className="mt-1 space-y-0.5">
                    {e.changes.map((c, i) => (
                      <li key={`${c.field}-${i}`} data-field={c.field}>
                        <span className="text-muted-foreground">
                          {FIELD_LABELS[c.field] ?? c.field}:
                        </span>{' '}
                        <FieldValue field={c.field} value={c.old} people={people} /> →{' '}
                        <FieldValue field={c.field} value={c.new} people={people} />
                      </li>
                    ))}
                  </ul>
                ) : null}
                {e.reason ? (
                  <blockquote className="mt-2 border-l-2 pl-3 whitespace-pre-wrap">
                    {e.reason}
                  </blockquote>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
